SELECT RELEASE_LOCK(%(lock_name)s)
