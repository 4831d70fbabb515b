"""Static files served by the application itself in production (whitenoise): compressed, and cached by browsers for a
year under their hashed names (`CompressedManifestStaticFilesStorage` writes `name.<hash>.css` and its `.gz`)."""

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    # Hashed names never change content: `immutable`, for a year (whitenoise's default is ten).
    FOREVER = ONE_YEAR
