#include "formats/writers.hpp"
#include "formats/validate.hpp"
