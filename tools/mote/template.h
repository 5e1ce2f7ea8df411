/* SPDX-License-Identifier: MIT */
/*
 * `--format` templates in the Go-template style docker's users type:
 * text with {{.Field.Sub}} (a member path, matched without regard to case or
 * '_', so {{.State.ExitCode}} reads "state"."exit_code" of inspect's JSON), {{json .X}}
 * (the value as JSON) and {{json .}} (the whole object). Strings print as
 * they are, other values as JSON, a missing member as "<no value>" (as Go
 * does). \n and \t in the template are a newline and a tab.
 */
#ifndef TOOLS_MOTE_TEMPLATE_H
#define TOOLS_MOTE_TEMPLATE_H

#include "tools/mote/json.h"
#include "tools/mote/strbuf.h"

/*
 * Appends the template applied to obj to out. Returns 0, or -EINVAL with a
 * one-line message in err (SPEC_ERR_LEN bytes) for a template that is not of
 * this form (an unclosed {{, an action other than a path or json PATH).
 */
int template_render(const char *tmpl, const json_t *obj, struct strbuf *out, char *err);

#endif
