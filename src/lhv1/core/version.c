/* lhv1_version(): the version this library was built as. */
#include "lhv1/version.h"

const char *lhv1_version(void)
{
    return LHV1_VERSION_STRING;
}
