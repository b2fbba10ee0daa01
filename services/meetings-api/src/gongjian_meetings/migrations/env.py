from gongjian_shared.migrations import run_env

from gongjian_meetings.models import Base

run_env(Base.metadata)
