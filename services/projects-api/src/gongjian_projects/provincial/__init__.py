"""Exchange by file with the provincial investment platform (省级投资项目平台): its monthly export staged,
matched by project code, reconciled and applied; our figures exported in its template."""
