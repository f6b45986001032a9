"""Domain errors raised by services; each interface maps them to its own response."""


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str = "", *, details: dict | None = None):
        super().__init__(message or self.__class__.__doc__)
        self.message = message or (self.__class__.__doc__ or "").strip()
        self.details = details or {}


class NotFound(DomainError):
    """Not found."""

    code = "not_found"


class NotAllowed(DomainError):
    """You may not do this."""

    code = "not_allowed"


class InvalidTransition(DomainError):
    """This action is not possible in the object's current state."""

    code = "invalid_transition"


class OfferExpired(InvalidTransition):
    """The confirmation expired: it can no longer be confirmed as is."""

    code = "offer_expired"


class StaleVersion(DomainError):
    """The object has changed since you loaded it."""

    code = "stale_version"

    def __init__(self, message: str = "", *, current_version: int, current_status: str = ""):
        super().__init__(
            message,
            details={"current_version": current_version, "current_status": current_status},
        )
        self.current_version = current_version
        self.current_status = current_status


class ValidationFailed(DomainError):
    """The input is not valid."""

    code = "invalid"

    def __init__(self, errors: dict, message: str = ""):
        super().__init__(message or "The input is not valid.", details={"errors": errors})
        self.errors = errors


class RateLimited(DomainError):
    """Too many requests; try again later."""

    code = "rate_limited"

    def __init__(self, message: str = "", *, retry_after: int = 0):
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after
