"""Settings read from the environment (prefix ``FANZHA_``) so one build runs anywhere."""

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANZHA_", env_file=None)

    database_url: str = "sqlite:///fanzha.db"
    display_timezone: str = "Asia/Shanghai"
    # argon2 cost; tests lower it because hashing dominates their run time otherwise.
    password_time_cost: int = 3
    password_memory_cost_kib: int = 65536
    session_hours: int = 12
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # Cookies must be Secure behind TLS in production; the demo runs on plain http.
    secure_cookies: bool = False
    # Periodic jobs (escalation, expiry warnings, bulletins) run in the server process.
    scheduler_enabled: bool = True
    # Seconds between passes of the warnings' escalation job; a deadline is marked at most this late.
    warnings_tick_s: float = 30

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.display_timezone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
