// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdlib.h>

#include "check.h"
#include "json.h"

static char *render(void (*fn)(struct lc_json *), bool pretty)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct lc_json j;
	lc_json_init(&j, f, pretty);
	fn(&j);
	fclose(f);
	return buf;
}

static void doc(struct lc_json *j)
{
	lc_json_begin_object(j);
	lc_json_key(j, "s");
	lc_json_string(j, "a\"b\\c\n\x01\xc3");
	lc_json_key(j, "n");
	lc_json_int(j, -5);
	lc_json_key(j, "arr");
	lc_json_begin_array(j);
	lc_json_uint(j, 1);
	lc_json_null(j);
	lc_json_bool(j, true);
	lc_json_address(j, 0xffffffff81000000ull);
	lc_json_begin_object(j);
	lc_json_end_object(j);
	lc_json_end_array(j);
	lc_json_key(j, "empty");
	lc_json_begin_array(j);
	lc_json_end_array(j);
	lc_json_key(j, "nul");
	lc_json_string(j, NULL);
	lc_json_end_object(j);
}

int main(void)
{
	char *s = render(doc, false);
	CHECK_STR(s, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u00c3\",\"n\":-5,\"arr\":[1,null,true,"
		     "\"0xffffffff81000000\",{}],\"empty\":[],\"nul\":null}");
	free(s);
	s = render(doc, true);
	CHECK(strstr(s, "{\n  \"s\": ") == s);
	CHECK(strstr(s, "\"empty\": []") != NULL);
	free(s);
	char out[8];
	size_t n = lc_json_escape("\"\"\"\"\"\"", 6, out, sizeof(out));
	CHECK(n == 12);
	CHECK(strlen(out) == 7); /* truncated but terminated */
	CHECK_DONE();
}
