-- Named lock that serialises every stock sync against this shop database: read, compute
-- and write of one run finish before the next run reads. Returns 1 when the lock is held,
-- 0 after the timeout in seconds.
SELECT GET_LOCK(%(lock_name)s, %(timeout_seconds)s)
