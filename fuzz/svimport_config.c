/* A supervisord configuration as svimport reads it: any text, through the
   ini reader, the expansions, the command and environment splitting, the
   mapping and the rendering of the files (nothing is written). svimport
   is a short-lived tool that frees little as it goes: what it allocated is
   freed in one go after each input (svi_free_all). */
#include <stddef.h>
#include <stdint.h>
#include "../src/svimport/svimport.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  struct svi_config cfg = {0};
  struct svi_plan plan = {0};
  struct svi_err err;
  svi_quiet = 1;
  cfg.main_here = "/etc/supervisor";
  if (svi_ini_parse(&cfg, "fuzz.conf", "/etc/supervisor", (char const *)data,
                    size, 0, &err) == 0 &&
      svi_map(&cfg, &plan, &err) == 0)
    for (size_t i = 0; i < plan.n; i++) {
      struct svi_service s;
      svi_render(&plan.p[i], &s);
    }
  svi_free_all();
  return 0;
}
