#ifndef PORTBOOKS_CCURL_SHIM_H
#define PORTBOOKS_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call
// (shared/PITFALLS.md 3): typed wrappers, one per argument kind.

static inline CURLcode portbooks_curl_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode portbooks_curl_setopt_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode portbooks_curl_setopt_pointer(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode portbooks_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
typedef size_t (*portbooks_curl_io_callback)(char *, size_t, size_t, void *);
static inline CURLcode portbooks_curl_setopt_io_callback(CURL *h, CURLoption o, portbooks_curl_io_callback v) {
    return curl_easy_setopt(h, o, v);
}
typedef int (*portbooks_curl_xferinfo_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode portbooks_curl_setopt_xferinfo_callback(CURL *h, portbooks_curl_xferinfo_callback v) {
    return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v);
}
static inline CURLcode portbooks_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
// CURL_GLOBAL_ALL is a compound macro Swift does not import.
static inline CURLcode portbooks_curl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}
static inline CURLcode portbooks_curl_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode portbooks_curl_getinfo_double(CURL *h, CURLINFO i, double *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLMcode portbooks_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}

#endif
