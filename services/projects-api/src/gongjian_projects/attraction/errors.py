from gongjian_projects.projects.errors import AttractionStageConflict

__all__ = ["AttractionStageConflict"]
