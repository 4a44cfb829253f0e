import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str


def test_env_str_reads_the_variable_then_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("PACER_T", "direct")
    assert env_str("PACER_T") == "direct"

    monkeypatch.delenv("PACER_T")
    path = tmp_path / "value"
    path.write_text("from-file\n")
    monkeypatch.setenv("PACER_T_FILE", str(path))
    assert env_str("PACER_T") == "from-file"


def test_missing_required_values_raise_improperly_configured(monkeypatch):
    monkeypatch.delenv("PACER_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="PACER_MISSING is required"):
        env_str("PACER_MISSING")
    monkeypatch.setenv("PACER_MISSING_FILE", "/nonexistent/secret")
    with pytest.raises(ImproperlyConfigured, match="PACER_MISSING_FILE"):
        env_str("PACER_MISSING")


def test_typed_values_are_validated(monkeypatch):
    monkeypatch.setenv("PACER_B", "yes")
    monkeypatch.setenv("PACER_I", "12")
    monkeypatch.setenv("PACER_L", "a.example, b.example,,")
    assert env_bool("PACER_B", default=False) is True
    assert env_int("PACER_I", 0) == 12
    assert env_list("PACER_L") == ["a.example", "b.example"]

    monkeypatch.setenv("PACER_B", "maybe")
    monkeypatch.setenv("PACER_I", "twelve")
    with pytest.raises(ImproperlyConfigured, match="boolean"):
        env_bool("PACER_B", default=False)
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("PACER_I", 0)
