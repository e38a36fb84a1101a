"""Settings read from the environment (prefix ``FANZHA_``) so one build runs anywhere.

The only place that reads the environment; every variable is listed in docs/settings.md.
"""

from functools import lru_cache
from pathlib import Path
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
    # A name is locked for one address after login_max_failures in login_lockout_minutes (so a
    # stranger cannot lock an officer out); an address after login_ip_max_failures, any names.
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    login_ip_max_failures: int = 30
    # Cookies must be Secure behind TLS in production; the demo runs on plain http.
    secure_cookies: bool = False
    # PostgreSQL: requests holding a database session at once (the rest queue); below the
    # server's 40 worker threads, so a request holding a lock always has one to finish on.
    db_request_slots: int = 20
    # Largest request body accepted (a full intake batch of 10,000 warnings is about 6 MB).
    max_body_bytes: int = 16 * 1024 * 1024
    # Periodic jobs (escalation, expiry warnings, bulletins) run in the server process.
    scheduler_enabled: bool = True
    # Seconds between passes of the warnings' escalation job; a deadline is marked at most this late.
    warnings_tick_s: float = 30
    # Directory of the transaction store; unset: ``fanzha-data/`` beside the SQLite file (funds.store).
    funds_data_dir: Path | None = None
    # Prevention (docs/prevention.md): a grid is 无诈警格 after this many months without a case;
    # a push to more groups than this waits for a second officer's approval.
    prevention_fraud_free_months: int = 3
    prevention_approval_groups: int = 20
    # Outbox: sends per second per channel, attempts before the dead-letter list, first retry delay.
    prevention_rate_per_s: dict[str, float] = {"wecom": 20, "dingtalk": 20, "sms": 20, "email": 5}
    prevention_max_attempts: int = 5
    prevention_retry_base_s: float = 30
    prevention_outbox_tick_s: float = 10
    # Threads sending one outbox pass's admitted deliveries at once (over one keep-alive HTTP client).
    prevention_outbox_workers: int = 8
    prevention_sms_url: str = ""
    prevention_sms_token: str = ""
    prevention_smtp_host: str = ""
    prevention_smtp_port: int = 25
    prevention_smtp_from: str = "fanzha@localhost"
    prevention_photo_dir: str = "data/prevention-photos"
    prevention_photo_max_bytes: int = 5_000_000
    # Key of the HMAC that stores contact verification codes; set a long random value in production
    # (a stolen database then reveals no code). Codes stay valid this many hours.
    verification_secret: str = "fanzha-demo-verification-secret"
    verification_code_hours: int = 24
    # Clues (docs/crackdown.md): hours to verify a clue per level (一级/二级/三级) before it is
    # overdue and escalated once; seconds between escalation passes.
    clues_due_hours: dict[str, int] = {"1": 24, "2": 72, "3": 168}
    clues_tick_s: float = 60
    # Series: an identifier named by more records than this is a hub (a bank's service number,
    # a popular app) and links nothing; seconds between passes indexing new records.
    series_hub_degree: int = 200
    series_index_s: float = 60

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.display_timezone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
