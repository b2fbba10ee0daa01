from gongjian_scoring.models import Base
from gongjian_shared.migrations import run_env

run_env(Base.metadata)
