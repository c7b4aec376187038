"""The course as files: course_content/ is read, checked and turned into plain definitions here.

`loader.validate_course(root)` lists every problem at once; `loader.load_course(root)` returns the `Course`
(frozen dataclasses from `defs`) or raises `ContentInvalid`. No Flask and no database: the sync builds on this.
"""
