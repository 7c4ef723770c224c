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
static inline CURLMcode cs_curl_multi_setopt_ptr(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
typedef int (*cs_curl_socket_callback)(CURL *, curl_socket_t, int, void *, void *);
static inline CURLMcode cs_curl_multi_setopt_socket_callback(CURLM *m, cs_curl_socket_callback v) { return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, v); }
typedef int (*cs_curl_timer_callback)(CURLM *, long, void *);
static inline CURLMcode cs_curl_multi_setopt_timer_callback(CURLM *m, cs_curl_timer_callback v) { return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, v); }
// CURL_SOCKET_TIMEOUT is a cast macro.
static inline curl_socket_t cs_curl_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }

// CURLMsg.data is a union; read its `result` member for a CURLMSG_DONE message.
static inline CURLcode cs_curl_msg_result(const CURLMsg *m) { return m->data.result; }
// CURL_GLOBAL_ALL is a compound macro, which Swift does not import.
static inline CURLcode cs_curl_global_init_all(void) { return curl_global_init(CURL_GLOBAL_ALL); }
// CURLAUTH_* are unsigned-long macros built with casts and shifts.
static inline long cs_curlauth_basic(void) { return (long)CURLAUTH_BASIC; }

static inline curl_version_info_data *cs_curl_version_info(void) { return curl_version_info(CURLVERSION_NOW); }

// The Linux readiness API the multi loop drives libcurl with (curl_multi_socket_action). struct
// epoll_event is packed on x86-64, so Swift never touches it: these take and give plain values.
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static inline int cs_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
// Watches `fd` for reading and/or writing (adds or changes its registration); 0 or -1 with errno.
static inline int cs_epoll_watch(int ep, int fd, int readable, int writable) {
    struct epoll_event event = { 0 };
    event.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
    event.data.fd = fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event) == 0) return 0;
    if (errno != EEXIST) return -1;
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &event);
}
static inline void cs_epoll_forget(int ep, int fd) { (void)epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL); }
// Waits for up to `max` ready descriptors; fills fds and CURL_CSELECT_* bits. Returns the count, or -1.
static inline int cs_epoll_wait(int ep, int *fds, int *bits, int max, int timeout_ms) {
    struct epoll_event events[64];
    if (max > 64) max = 64;
    int count = epoll_wait(ep, events, max, timeout_ms);
    for (int i = 0; i < count; i++) {
        fds[i] = events[i].data.fd;
        bits[i] = ((events[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0)
                | ((events[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0)
                | ((events[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
    }
    return count;
}
static inline int cs_eventfd_create(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
static inline void cs_eventfd_signal(int fd) { uint64_t one = 1; ssize_t written = write(fd, &one, sizeof one); (void)written; }
static inline void cs_eventfd_drain(int fd) { uint64_t count; ssize_t got = read(fd, &count, sizeof count); (void)got; }
#endif
