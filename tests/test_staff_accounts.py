"""Staff sign-in: throttling, two-factor, passwords, sessions, and permission checks."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from foilog.proxy import client_ip
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production's hasher is slow on purpose; these tests sign in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return User.objects.create_user("sam", password=PASSWORD, is_staff=True, is_superuser=True)


def sign_in(client, password, address="192.0.2.1", **extra):
    return client.post(
        LOGIN,
        {"username": "sam", "password": password, "next": "/admin/", **extra},
        REMOTE_ADDR=address,
    )


def test_axes_backend_checks_sign_ins_first(settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_right_password_signs_in(client, staff):
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_wrong_passwords_lock_the_username_out_from_that_address(client, staff):
    for _ in range(5):
        sign_in(client, "wrong")
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock_out(client, staff):
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


def test_lockout_does_not_stop_the_same_user_from_another_address(client, staff):
    for _ in range(5):
        sign_in(client, "wrong", address="192.0.2.1")
    assert sign_in(client, PASSWORD, address="198.51.100.7").status_code == 302


def test_lockout_lasts_thirty_minutes(settings):
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_behind_the_proxy_the_address_it_saw_is_throttled(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().post(
        LOGIN, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    # The left-most address is whatever the client claimed; the proxy appended the last.
    assert client_ip(request) == "203.0.113.9"


def test_without_a_proxy_forwarded_addresses_are_ignored(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    request = RequestFactory().post(
        LOGIN, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("password", ["short", "password123456", "123456789012", "sam-sam-sam-1"])
def test_weak_passwords_are_refused(password):
    user = User(username="sam-sam-sam")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_staff_sessions_end_after_eight_hours_or_when_the_browser_closes(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_totp_devices_are_managed_in_the_admin(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 200


def test_totp_device_shows_its_qr_code_to_the_admin(admin_client, staff):
    device = TOTPDevice.objects.create(user=staff, name="Phone")
    response = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.urls("tests.urls_otp_admin")
def test_with_2fa_a_password_alone_does_not_sign_in(client, staff):
    TOTPDevice.objects.create(user=staff, name="Phone")
    response = sign_in(client, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.urls("tests.urls_otp_admin")
def test_with_2fa_password_and_current_code_sign_in(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="Phone")
    response = sign_in(
        client, PASSWORD, otp_device=device.persistent_id, otp_token=current_code(device)
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.urls("tests.urls_otp_admin")
def test_with_2fa_a_session_without_a_second_factor_is_refused(client, staff):
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.fixture
def no_permissions(db):
    return User.objects.create_user("nobody", password=PASSWORD, is_staff=True)


def admin_urls(disclosure) -> list[str]:
    return [
        reverse("admin:disclosures_disclosure_changelist"),
        reverse("admin:disclosures_disclosure_add"),
        reverse("admin:disclosures_disclosure_change", args=[disclosure.pk]),
        reverse("admin:disclosures_disclosure_delete", args=[disclosure.pk]),
        reverse("admin:disclosures_disclosure_history", args=[disclosure.pk]),
        reverse("admin:disclosures_exemption_changelist"),
        reverse("admin:disclosures_keyword_add"),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:auth_user_changelist"),
    ]


def test_staff_without_permissions_get_403_on_every_admin_page(client, no_permissions):
    client.force_login(no_permissions)
    disclosure = DisclosureFactory(draft=True)
    statuses = {url: client.get(url).status_code for url in admin_urls(disclosure)}
    assert set(statuses.values()) == {403}, statuses


def test_staff_without_permissions_cannot_save_a_disclosure(client, no_permissions):
    client.force_login(no_permissions)
    disclosure = DisclosureFactory(draft=True, title="Old")
    url = reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])
    response = client.post(url, {"reference": disclosure.reference, "title": "New"})
    assert response.status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.title == "Old"


def test_view_permission_alone_allows_reading_not_changing(client, no_permissions):
    no_permissions.user_permissions.add(Permission.objects.get(codename="view_disclosure"))
    client.force_login(no_permissions)
    DisclosureFactory(draft=True)
    assert client.get(reverse("admin:disclosures_disclosure_changelist")).status_code == 200
    assert client.get(reverse("admin:disclosures_disclosure_add")).status_code == 403
