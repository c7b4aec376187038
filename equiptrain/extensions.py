"""Flask extensions, created unbound and initialised in the application factory."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from equiptrain.compression import MaskedCSRFProtect
from equiptrain.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = MaskedCSRFProtect()  # accepts the per-response masked token of compressed pages
# Default limits are off: only the routes that need one (sign-in, password reset) carry a limit.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
