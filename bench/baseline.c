// The C floor for dockersdk-bench: libcurl easy handles reused for every request (one per thread),
// over the daemon's Unix socket, timed with CLOCK_MONOTONIC. Prints `name t1 t2 ...` (nanoseconds)
// or `name key=value ...` lines that dockersdk-bench parses.
//
// Build: cc -O2 -o baseline bench/baseline.c $(pkg-config --cflags --libs libcurl) -lpthread
//
// Usage (SOCKET is the daemon's socket, V the API version, e.g. 1.41):
//   baseline SOCKET V get NAME PATH N          GET /vV/PATH (or /_ping) N times, body read, not parsed
//   baseline SOCKET V lifecycle IMAGE LABELS N create + start + wait + remove of `true`; LABELS is a JSON object
//   baseline SOCKET V exec CONTAINER N         exec `echo hi`: create, start (output demultiplexed), exit code
//   baseline SOCKET V throughput PATH THREADS SECONDS   GET in THREADS threads, one handle each
//   baseline SOCKET V logs CONTAINER           stream the logs, demultiplex, count payload bytes
//   baseline SOCKET V record PATH FILE         write the body of GET PATH to FILE
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *sock;
static const char *version;

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static size_t collect(char *p, size_t size, size_t n, void *user) {
    buffer *b = user;
    size_t len = size * n;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + len + 1) cap *= 2;
        b->data = realloc(b->data, cap);
        if (!b->data) { fprintf(stderr, "out of memory\n"); exit(1); }
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, len);
    b->len += len;
    b->data[b->len] = 0;
    return len;
}

static unsigned long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static CURL *handle(buffer *b) {
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sock);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    return h;
}

static void url_for(char *url, size_t size, const char *path) {
    if (strcmp(path, "/_ping") == 0) snprintf(url, size, "http://localhost/_ping");
    else snprintf(url, size, "http://localhost/v%s%s", version, path);
}

/// One request; exits on a transport error or an unexpected status.
static long request(CURL *h, buffer *b, const char *method, const char *path, const char *json) {
    char url[1024];
    url_for(url, sizeof url, path);
    b->len = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    struct curl_slist *headers = NULL;
    if (json) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    }
    if (strcmp(method, "GET") == 0) curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    else curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status >= 400) {
        fprintf(stderr, "%s %s: curl %d, status %ld: %.300s\n", method, path, rc, status, b->data ? b->data : "");
        exit(1);
    }
    return status;
}

/// The value of "Id" in a JSON body (enough for create answers).
static void json_id(const buffer *b, char *out, size_t size) {
    const char *p = b->data ? strstr(b->data, "\"Id\":\"") : NULL;
    if (!p) { fprintf(stderr, "no Id in %.200s\n", b->data ? b->data : ""); exit(1); }
    p += 6;
    size_t i = 0;
    while (p[i] && p[i] != '"' && i + 1 < size) { out[i] = p[i]; i++; }
    out[i] = 0;
}

static void get(const char *name, const char *path, int n) {
    buffer b = {0};
    CURL *h = handle(&b);
    for (int i = 0; i < 20; i++) request(h, &b, "GET", path, NULL);
    printf("%s", name);
    for (int i = 0; i < n; i++) {
        unsigned long long t0 = now_ns();
        request(h, &b, "GET", path, NULL);
        printf(" %llu", now_ns() - t0);
    }
    printf("\n");
    curl_easy_cleanup(h);
}

static void lifecycle(const char *image, const char *labels, int n) {
    buffer b = {0};
    CURL *h = handle(&b);
    char body[4096], id[128], path[256];
    snprintf(body, sizeof body, "{\"Image\":\"%s\",\"Cmd\":[\"true\"],\"Labels\":%s}", image, labels);
    printf("lifecycle");
    for (int i = 0; i < n; i++) {
        unsigned long long t0 = now_ns();
        request(h, &b, "POST", "/containers/create", body);
        json_id(&b, id, sizeof id);
        snprintf(path, sizeof path, "/containers/%s/start", id);
        request(h, &b, "POST", path, NULL);
        snprintf(path, sizeof path, "/containers/%s/wait", id);
        request(h, &b, "POST", path, NULL);
        if (!strstr(b.data, "\"StatusCode\":0")) { fprintf(stderr, "true exited: %s\n", b.data); exit(1); }
        snprintf(path, sizeof path, "/containers/%s", id);
        request(h, &b, "DELETE", path, NULL);
        printf(" %llu", now_ns() - t0);
    }
    printf("\n");
    curl_easy_cleanup(h);
}

/// Demultiplexes `b` (8-byte headers); returns the payload bytes and copies stdout into out.
static size_t demux(const buffer *b, char *out, size_t size) {
    size_t at = 0, payload = 0, o = 0;
    while (at + 8 <= b->len) {
        const unsigned char *hd = (const unsigned char *)b->data + at;
        size_t len = ((size_t)hd[4] << 24) | ((size_t)hd[5] << 16) | ((size_t)hd[6] << 8) | hd[7];
        if (hd[0] == 1 && out) { for (size_t k = 0; k < len && o + 1 < size; k++) out[o++] = b->data[at + 8 + k]; }
        payload += len;
        at += 8 + len;
    }
    if (out) out[o] = 0;
    return payload;
}

static void exec_echo(const char *container, int n) {
    buffer b = {0};
    CURL *h = handle(&b);
    char id[128], path[256], out[256];
    snprintf(path, sizeof path, "/containers/%s/exec", container);
    char create[256];
    snprintf(create, sizeof create, "%s", path);
    printf("exec");
    for (int i = 0; i < n; i++) {
        unsigned long long t0 = now_ns();
        request(h, &b, "POST", create, "{\"Cmd\":[\"echo\",\"hi\"],\"AttachStdout\":true,\"AttachStderr\":true}");
        json_id(&b, id, sizeof id);
        snprintf(path, sizeof path, "/exec/%s/start", id);
        request(h, &b, "POST", path, "{\"Detach\":false,\"Tty\":false}");
        demux(&b, out, sizeof out);
        if (strcmp(out, "hi\n") != 0) { fprintf(stderr, "exec output %s\n", out); exit(1); }
        snprintf(path, sizeof path, "/exec/%s/json", id);
        for (int k = 0; k < 1000; k++) {
            request(h, &b, "GET", path, NULL);
            if (strstr(b.data, "\"Running\":false")) break;
        }
        if (!strstr(b.data, "\"ExitCode\":0")) { fprintf(stderr, "exec exit: %s\n", b.data); exit(1); }
        printf(" %llu", now_ns() - t0);
    }
    printf("\n");
    curl_easy_cleanup(h);
}

typedef struct {
    const char *path;
    unsigned long long until;
    long count;
} worker;

static void *throughput_worker(void *arg) {
    worker *w = arg;
    buffer b = {0};
    CURL *h = handle(&b);
    while (now_ns() < w->until) {
        request(h, &b, "GET", w->path, NULL);
        w->count++;
    }
    curl_easy_cleanup(h);
    free(b.data);
    return NULL;
}

static void throughput(const char *path, int threads, double seconds) {
    pthread_t ids[256];
    worker ws[256];
    if (threads > 256) threads = 256;
    unsigned long long start = now_ns();
    for (int i = 0; i < threads; i++) {
        ws[i] = (worker){path, start + (unsigned long long)(seconds * 1e9), 0};
        pthread_create(&ids[i], NULL, throughput_worker, &ws[i]);
    }
    long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(ids[i], NULL); total += ws[i].count; }
    double elapsed = (double)(now_ns() - start) / 1e9;
    printf("throughput requests=%ld seconds=%.6f\n", total, elapsed);
}

/// Streaming demultiplexer state: the payload of each frame is counted, headers may span callbacks.
typedef struct {
    unsigned char header[8];
    size_t have, remaining, payload;
} demuxer;

static size_t stream_demux(char *p, size_t size, size_t n, void *user) {
    demuxer *d = user;
    size_t len = size * n, at = 0;
    while (at < len) {
        if (d->remaining == 0) {
            while (d->have < 8 && at < len) d->header[d->have++] = (unsigned char)p[at++];
            if (d->have < 8) break;
            d->remaining = ((size_t)d->header[4] << 24) | ((size_t)d->header[5] << 16) | ((size_t)d->header[6] << 8) | d->header[7];
            d->have = 0;
            continue;
        }
        size_t take = len - at < d->remaining ? len - at : d->remaining;
        d->payload += take;  // a real consumer would hand p[at..at+take) to stdout or stderr
        d->remaining -= take;
        at += take;
    }
    return len;
}

static long peak_rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) if (strncmp(line, "VmHWM:", 6) == 0) kb = atol(line + 6);
    if (f) fclose(f);
    return kb;
}

static void logs(const char *container) {
    demuxer d = {{0}, 0, 0, 0};
    CURL *h = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "http://localhost/v%s/containers/%s/logs?stdout=1&stderr=1", version, container);
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sock);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, stream_demux);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &d);
    unsigned long long t0 = now_ns();
    CURLcode rc = curl_easy_perform(h);
    double seconds = (double)(now_ns() - t0) / 1e9;
    if (rc != CURLE_OK) { fprintf(stderr, "logs: curl %d\n", rc); exit(1); }
    printf("logs bytes=%zu seconds=%.6f peak_kb=%ld\n", d.payload, seconds, peak_rss_kb());
    curl_easy_cleanup(h);
}

static void record(const char *path, const char *file) {
    buffer b = {0};
    CURL *h = handle(&b);
    request(h, &b, "GET", path, NULL);
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(b.data, 1, b.len, f) != b.len) { fprintf(stderr, "cannot write %s\n", file); exit(1); }
    fclose(f);
    printf("record bytes=%zu\n", b.len);
    curl_easy_cleanup(h);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: baseline SOCKET VERSION MODE ...\n"); return 2; }
    sock = argv[1];
    version = argv[2];
    const char *mode = argv[3];
    curl_global_init(CURL_GLOBAL_ALL);
    if (strcmp(mode, "get") == 0 && argc == 7) get(argv[4], argv[5], atoi(argv[6]));
    else if (strcmp(mode, "lifecycle") == 0 && argc == 7) lifecycle(argv[4], argv[5], atoi(argv[6]));
    else if (strcmp(mode, "exec") == 0 && argc == 6) exec_echo(argv[4], atoi(argv[5]));
    else if (strcmp(mode, "throughput") == 0 && argc == 7) throughput(argv[4], atoi(argv[5]), atof(argv[6]));
    else if (strcmp(mode, "logs") == 0 && argc == 5) logs(argv[4]);
    else if (strcmp(mode, "record") == 0 && argc == 6) record(argv[4], argv[5]);
    else { fprintf(stderr, "bad arguments for %s\n", mode); return 2; }
    fflush(stdout);
    return 0;
}
