// Typed wrappers around libcurl's variadic entry points, which Swift cannot call directly.
#ifndef DOCKERSDK_CCURL_SHIM_H
#define DOCKERSDK_CCURL_SHIM_H

#include <curl/curl.h>
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

typedef size_t (*dsdk_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*dsdk_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                      curl_off_t ultotal, curl_off_t ulnow);
typedef curl_socket_t (*dsdk_opensocket_callback)(void *userdata, curlsocktype purpose,
                                                  struct curl_sockaddr *address);

typedef int (*dsdk_closesocket_callback)(void *userdata, curl_socket_t item);

static inline CURLcode dsdk_setopt_closesocket_callback(CURL *h, dsdk_closesocket_callback f) { return curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, f); }
static inline CURLcode dsdk_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dsdk_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dsdk_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dsdk_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dsdk_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dsdk_setopt_data_callback(CURL *h, CURLoption o, dsdk_data_callback f) { return curl_easy_setopt(h, o, f); }
static inline CURLcode dsdk_setopt_xferinfo_callback(CURL *h, dsdk_xferinfo_callback f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode dsdk_setopt_opensocket_callback(CURL *h, dsdk_opensocket_callback f) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, f); }

static inline CURLcode dsdk_getinfo_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode dsdk_getinfo_socket(CURL *h, curl_socket_t *out) { return curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, out); }

/// Opens the socket curl asked for; lets the caller learn the descriptor of a transfer.
static inline curl_socket_t dsdk_open_socket(struct curl_sockaddr *a) { return socket(a->family, a->socktype, a->protocol); }

/// Sends TLS close_notify on a connect-only handle (a TLS half-close, as Go's tls.Conn.CloseWrite):
/// reading stays possible. Uses the OpenSSL session libcurl exposes; SSL_shutdown is looked up in the
/// libssl libcurl already loaded. Returns -1 when the backend is not OpenSSL or the call is unavailable.
static inline int dsdk_tls_close_notify(CURL *h) {
    struct curl_tlssessioninfo *info = NULL;
    if (curl_easy_getinfo(h, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == NULL) return -1;
    if (info->backend != CURLSSLBACKEND_OPENSSL || info->internals == NULL) return -1;
    int (*ssl_shutdown)(void *) = (int (*)(void *))dlsym(RTLD_DEFAULT, "SSL_shutdown");
    if (ssl_shutdown == NULL) return -1;
    return ssl_shutdown(info->internals);
}

static inline size_t dsdk_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline size_t dsdk_readfunc_abort(void) { return CURL_READFUNC_ABORT; }
static inline curl_socket_t dsdk_socket_bad(void) { return CURL_SOCKET_BAD; }

// MARK: - multi interface (socket-action mode), for the event loop

static inline CURLMcode dsdk_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode dsdk_multi_setopt_pointer(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode dsdk_multi_setopt_socket_callback(CURLM *m, curl_socket_callback f) { return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, f); }
static inline CURLMcode dsdk_multi_setopt_timer_callback(CURLM *m, curl_multi_timer_callback f) { return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, f); }

/// The result code of a CURLMSG_DONE message (a union member Swift cannot name reliably).
static inline CURLcode dsdk_msg_result(CURLMsg *m) { return m->data.result; }
static inline int dsdk_msg_is_done(CURLMsg *m) { return m->msg == CURLMSG_DONE; }

static inline curl_socket_t dsdk_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }
static inline int dsdk_pause_cont(void) { return CURLPAUSE_CONT; }

/// poll(2) with a timeout in nanoseconds (negative: forever); ppoll is declared here because
/// Swift's Glibc module does not always expose it without _GNU_SOURCE.
extern int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo_p, const sigset_t *sigmask);
static inline int dsdk_poll_ns(struct pollfd *fds, unsigned long n, long long ns) {
    if (ns < 0) return ppoll(fds, (nfds_t)n, NULL, NULL);
    struct timespec t = { (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) };
    return ppoll(fds, (nfds_t)n, &t, NULL);
}

/// Monotonic clock in nanoseconds.
static inline unsigned long long dsdk_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000000ULL + (unsigned long long)t.tv_nsec;
}

/// Names the calling thread (a new thread inherits its creator's name on Linux).
static inline void dsdk_name_thread(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

/// A non-blocking, close-on-exec eventfd for waking the event loop.
static inline int dsdk_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

// MARK: - epoll, for the event loop (O(ready) per wake-up instead of poll's O(descriptors))

#include <errno.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

/// A close-on-exec epoll instance.
static inline int dsdk_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Adds (op 0), changes (op 1) or removes (op 2) `fd`, level-triggered, for poll-style `events`
/// (POLLIN, POLLOUT). Returns 0, or the errno.
static inline int dsdk_epoll_ctl(int ep, int op, int fd, short events) {
    struct epoll_event e;
    e.events = ((events & POLLIN) ? EPOLLIN : 0) | ((events & POLLOUT) ? EPOLLOUT : 0);
    e.data.u64 = 0;
    e.data.fd = fd;
    int how = op == 0 ? EPOLL_CTL_ADD : op == 1 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
    return epoll_ctl(ep, how, fd, &e) == 0 ? 0 : errno;
}

/// Waits at most `ns` nanoseconds (negative: forever) for at most `max` (<= 256) ready
/// descriptors, written to `fds` with their poll-style `revents`. epoll_pwait2 keeps the
/// nanoseconds (a curl timer "due now" must not become a 1 ms sleep); kernels without it
/// (before 5.11) fall back to epoll_wait, rounded up to milliseconds.
static inline int dsdk_epoll_wait_ns(int ep, int *fds, short *revents, int max, long long ns) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n = -1;
    int done = 0;
#ifdef SYS_epoll_pwait2
    if (ns >= 0) {
        struct timespec t = { (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) };
        n = (int)syscall(SYS_epoll_pwait2, ep, events, max, &t, NULL, 0);
        done = !(n < 0 && errno == ENOSYS);
    }
#endif
    if (!done) {
        int timeout = ns < 0 ? -1 : ns > 2000000000000LL ? 2000000 : (int)((ns + 999999) / 1000000);
        n = epoll_wait(ep, events, max, timeout);
    }
    for (int i = 0; i < n; i++) {
        uint32_t e = events[i].events;
        fds[i] = events[i].data.fd;
        revents[i] = (short)(((e & EPOLLIN) ? POLLIN : 0) | ((e & EPOLLOUT) ? POLLOUT : 0)
                             | ((e & EPOLLHUP) ? POLLHUP : 0) | ((e & EPOLLERR) ? POLLERR : 0));
    }
    return n;
}

#endif
