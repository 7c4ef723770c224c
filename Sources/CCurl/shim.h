// Typed wrappers for libcurl's variadic setopt/getinfo, which Swift cannot call directly.
// One wrapper per argument type; prefix cs_curl_.
#ifndef CIMSWEEP_CCURL_SHIM_H
#define CIMSWEEP_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode cs_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cs_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cs_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*cs_curl_data_callback)(char *, size_t, size_t, void *);
static inline CURLcode cs_curl_setopt_data_callback(CURL *h, CURLoption o, cs_curl_data_callback v) { return curl_easy_setopt(h, o, v); }
typedef int (*cs_curl_xferinfo_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode cs_curl_setopt_xferinfo_callback(CURL *h, CURLoption o, cs_curl_xferinfo_callback v) { return curl_easy_setopt(h, o, v); }
typedef int (*cs_curl_sockopt_callback)(void *, curl_socket_t, curlsocktype);
static inline CURLcode cs_curl_setopt_sockopt_callback(CURL *h, CURLoption o, cs_curl_sockopt_callback v) { return curl_easy_setopt(h, o, v); }

typedef int (*cs_curl_prereq_callback)(void *, char *, char *, int, int);
static inline CURLcode cs_curl_setopt_prereq_callback(CURL *h, CURLoption o, cs_curl_prereq_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode cs_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cs_curl_getinfo_ptr(CURL *h, CURLINFO i, void *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cs_curl_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cs_curl_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode cs_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

// CURLMsg.data is a union; read its `result` member for a CURLMSG_DONE message.
static inline CURLcode cs_curl_msg_result(const CURLMsg *m) { return m->data.result; }
// CURL_GLOBAL_ALL is a compound macro, which Swift does not import.
static inline CURLcode cs_curl_global_init_all(void) { return curl_global_init(CURL_GLOBAL_ALL); }
// CURLAUTH_* are unsigned-long macros built with casts and shifts.
static inline long cs_curlauth_basic(void) { return (long)CURLAUTH_BASIC; }

static inline curl_version_info_data *cs_curl_version_info(void) { return curl_version_info(CURLVERSION_NOW); }
#endif
