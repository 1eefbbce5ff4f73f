#include "lib/model/license.hpp"
