#!/bin/sh
# Files a request enters (issue 24): the main-code source files (functions/src/main/java) with at least one line run
# while one MergeProfiles request (a main profile and 2 merged profiles) and one PutProfileObject request (a record
# attaching to an existing profile) are served by the real handlers over DynamoDB Local. JaCoCo's agent counts only the
# measured request (functions' files-walk profile; api/FilesPerRequestWalk). Prints each figure and its files.
set -e
cd "$(dirname "$0")/.."
exec mvn -B -q -Pfiles-walk -pl functions -am test -Dtest=FilesPerRequestWalk -Dsurefire.failIfNoSpecifiedTests=false "$@"
