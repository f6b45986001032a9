# The portal image: one image for the web (ASGI), worker, beat and migrate processes.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/media \
    PRIVATE_MEDIA_ROOT=/app/private \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

# WeasyPrint (contract PDFs, rendered by the worker) needs pango; the PDF template names
# Noto Sans and Noto Sans CJK SC, so Chinese, Japanese and Korean names and addresses render.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# The translations are compiled in the image (gettext's msgfmt only for this step), hashed,
# compressed static files are baked in; the key only satisfies the settings' production switch
# and is never used at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && SECRET_KEY=compilemessages-only-not-a-secret python manage.py compilemessages \
        --ignore var --ignore staticfiles \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app portal \
    && mkdir -p /app/var /app/media /app/private \
    && chown -R portal: /app/var /app/media /app/private

USER portal
EXPOSE 8000

# --proxy-headers believes X-Forwarded-For/-Proto only from the addresses in the environment
# variable FORWARDED_ALLOW_IPS (uvicorn reads it; Django's client_address reads the same one).
CMD ["uvicorn", "negotiation_portal.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--ws", "auto", "--lifespan", "off", "--no-server-header", "--proxy-headers", \
     "--timeout-graceful-shutdown", "10"]
