"""argon2id hashing off the event loop, and easy-to-type pupil passwords."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# Short, unambiguous words a young pupil can type (no l/1 or o/0 confusion in the digits part).
_PUPIL_WORDS = (
    "apple bear bird boat cake cat cloud corn cow crab deer dog drum duck eagle egg fish"
    " flag fox frog goat grape hat hill horse kite lamp lemon lion map melon moon mouse"
    " nest owl panda park pear pig plum rain river robin rose sea seal ship sky snow star"
    " sun swan tiger toy tree tulip wave whale wind wolf zebra bean bell bike book box"
    " bus car coat cup desk door drop fern gift glass gold harp honey jam key leaf milk"
    " nut oak palm pen pine quilt ring rock sand sock soup spoon stone tent train van"
).split()


def generate_pupil_password() -> str:
    """Two simple words and two digits, e.g. `tiger-apple-47` (throttled logins protect it)."""
    first, second = secrets.choice(_PUPIL_WORDS), secrets.choice(_PUPIL_WORDS)
    return f"{first}-{second}-{secrets.randbelow(90) + 10}"


class PasswordService:
    def __init__(
        self, *, time_cost: int, memory_kib: int, parallelism: int, max_concurrent: int = 2
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        # Each hash holds `memory_kib` of RAM: bound how many run at once.
        self._slots = asyncio.Semaphore(max_concurrent)

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify_sync, password_hash, password)

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    async def burn(self) -> None:
        """Spend a verification's time when the account does not exist (no user enumeration)."""
        await self.verify(self._dummy_hash, "not the password")

    @property
    def _dummy_hash(self) -> str:
        cached = getattr(self, "_dummy", None)
        if cached is None:
            cached = self._hasher.hash(secrets.token_hex(8))
            self._dummy = cached
        return cached
