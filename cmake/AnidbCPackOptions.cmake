# Read by cpack for each package it makes (CPACK_PROJECT_CONFIG_FILE).
# Without a project-wide summary, CPackDeb takes each package's first
# description line (CPACK_DEBIAN_<COMPONENT>_DESCRIPTION) as its summary
# instead of prepending the same line to all of them.
unset(CPACK_PACKAGE_DESCRIPTION_SUMMARY)
