/* compile.h - pure compiler from the model to the ruleset IR (GUIDE.md s.4-5). */
#ifndef SGD_COMPILE_H
#define SGD_COMPILE_H

#include "sgd/ir.h"
#include "sgd/model.h"

/* Build the complete `inet sgd` table for model m in the given mode.
 * out must be freshly ir_table_init()ed; it is sorted on return.
 * 0 on success, -ENOMEM. */
int sg_compile(const struct sg_model *m, enum ir_mode mode, struct ir_table *out);

#endif
