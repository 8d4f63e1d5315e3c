// libxlsxwriter's public header (Debian libxlsxwriter-dev; pkg-config name "xlsxwriter").
#include <xlsxwriter.h>
