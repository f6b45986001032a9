"""Layout checks shared by the browser tests: nothing cut off, overflowing or broken apart."""


def no_page_scroll(page):
    """The page itself never scrolls sideways (a table may, inside its own box)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"


def inside_screen(page, locator):
    """Every matched element lies fully inside the viewport's width (nothing cut off)."""
    width = page.viewport_size["width"]
    count = locator.count()
    assert count, "nothing matched"
    for index in range(count):
        box = locator.nth(index).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (index, box)


def fits_its_box(locator):
    """The element's content is not wider than the element (no column scrolled out of sight)."""
    overflow = locator.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"{overflow} px wider than its box"


def on_one_line(locator):
    """Each visible matched element is one line high: no word (a Chinese one neither, which
    may break between any two characters) split over two lines."""
    heights = locator.evaluate_all(
        """els => els.filter(el => el.getClientRects().length).map(el => {
            const box = el.getBoundingClientRect();
            return [el.textContent, box.height, parseFloat(getComputedStyle(el).lineHeight)];
        })"""
    )
    assert heights, "nothing matched"
    broken = [(text, height) for text, height, line in heights if height >= 1.8 * line]
    assert not broken, broken
