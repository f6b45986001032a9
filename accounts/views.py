from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_request
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import (
    CompanyProfileForm,
    CompanySignupForm,
    FreightRateForm,
    LanguageForm,
    LoginForm,
    PasswordResetForm,
    SellerProfileForm,
    UserSignupForm,
    add_service_errors,
)
from common.errors import NotAllowed, NotFound, RateLimited, ValidationFailed
from common.ratelimit import client_address


def _safe_next(request) -> str | None:
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    data = request.POST if request.method == "POST" else None
    company_form = CompanySignupForm(data, prefix="company")
    user_form = UserSignupForm(data, prefix="user")
    if request.method == "POST" and company_form.is_valid() and user_form.is_valid():
        try:
            user = services.company_signup(
                company_data=company_form.cleaned_data,
                user_data={
                    **user_form.user_data(),
                    "language": get_language_from_request(request),
                },
            )
        except ValidationFailed as exc:
            add_service_errors(exc.errors, [company_form, user_form])
        else:
            login(request, user)
            messages.success(request, _("Welcome! Your company account is ready."))
            return redirect(_safe_next(request) or "home")
    status = 400 if request.method == "POST" else 200
    context = {"company_form": company_form, "user_form": user_form, "next": _safe_next(request)}
    return render(request, "registration/signup.html", context, status=status)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.rate_limited is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.rate_limited.retry_after)
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "registration/logged_out.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        # Django keeps this session (update_session_auth_hash); the service ends the rest.
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "emails/password_reset.subject.txt"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            allowed = services.password_reset_allowed(
                email=form.cleaned_data["email"], ip=client_address(self.request)
            )
        except RateLimited as exc:
            form.add_error(None, exc.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        if not allowed:
            # The same answer as a sent mail: the limit must not reveal that an account exists.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def _profile_page(request, company, *, form=None, rate_form=None, status=200):
    form_class = SellerProfileForm if company.is_seller else CompanyProfileForm
    if form is None:
        form = form_class(initial=model_to_dict(company, fields=form_class.Meta.fields))
    context = {"company": company, "form": form}
    if company.is_seller:
        context["rates"] = selectors.freight_rates_of_seller(company.pk)
        context["rate_form"] = rate_form or FreightRateForm()
    return render(request, "accounts/company_profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request):
    if not request.user.company_id:
        raise Http404(_("You do not belong to a company."))
    company = selectors.company_profile(company_id=request.user.company_id)
    if request.method == "GET":
        return _profile_page(request, company)
    form_class = SellerProfileForm if company.is_seller else CompanyProfileForm
    form = form_class(request.POST)
    if form.is_valid():
        try:
            services.company_update(
                company_id=company.pk, actor=request.user, values=form.cleaned_data
            )
        except NotAllowed:
            raise Http404()
        except ValidationFailed as exc:
            add_service_errors(exc.errors, [form])
        else:
            messages.success(request, _("Your company profile was saved."))
            return redirect("accounts:company_profile")
    return _profile_page(request, company, form=form, status=400)


@login_required
@require_POST
def freight_rate_set(request):
    """A seller adds (or replaces) the freight rate to a destination, on the profile page."""
    if request.user.side != "seller":
        raise Http404
    rate_form = FreightRateForm(request.POST)
    if rate_form.is_valid():
        try:
            services.freight_rate_set(actor=request.user, values=rate_form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(exc.errors, [rate_form])
        else:
            messages.success(request, _("The freight rate was saved."))
            return redirect(reverse("accounts:company_profile") + "#freight-rates")
    company = selectors.company_profile(company_id=request.user.company_id)
    return _profile_page(request, company, rate_form=rate_form, status=400)


@login_required
@require_POST
def freight_rate_delete(request, rate_id: int):
    try:
        services.freight_rate_delete(actor=request.user, rate_id=rate_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The freight rate was removed."))
    return redirect(reverse("accounts:company_profile") + "#freight-rates")


@login_required
@require_GET
def security(request):
    """The user's API tokens, each revocable, and "log out everywhere"."""
    tokens = selectors.api_tokens_for_user(request.user)
    form = LanguageForm(initial={"language": request.user.language, "next": request.path})
    return render(request, "accounts/security.html", {"tokens": tokens, "language_form": form})


@require_POST
def language_set(request):
    """The language switcher (navigation, profile): works signed out (a cookie) and signed in
    (the user's preference too, for pages, e-mails and notifications); no JavaScript needed."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request) or reverse("home")
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect(next_url)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_required
@require_POST
def token_revoke(request, token_key: str):
    try:
        services.api_token_revoke(user=request.user, token_key=token_key)
    except NotFound:
        raise Http404() from None
    messages.success(request, _("The API token is revoked."))
    return redirect("accounts:security")


@login_required
@require_POST
def logout_everywhere(request):
    services.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You are logged out everywhere: sign in again to continue."))
    return redirect("accounts:login")
