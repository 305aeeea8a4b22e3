import Foundation

/// The C baseline: one libcurl easy handle, reused for every request, timing each with CLOCK_MONOTONIC.
enum CBaseline {
    static let source = #"""
    #include <curl/curl.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <time.h>

    static char body[1 << 20];
    static size_t body_len;

    static size_t on_data(char *p, size_t size, size_t n, void *u) {
        size_t len = size * n;
        if (body_len + len < sizeof body) { memcpy(body + body_len, p, len); body_len += len; }
        return len;
    }

    static unsigned long long now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
    }

    static void measure(CURL *h, const char *name, const char *url, int warmup, int n) {
        curl_easy_setopt(h, CURLOPT_URL, url);
        printf("%s", name);
        for (int i = -warmup; i < n; i++) {
            body_len = 0;
            unsigned long long t0 = now_ns();
            CURLcode rc = curl_easy_perform(h);
            unsigned long long t1 = now_ns();
            long status = 0;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            if (rc != CURLE_OK || status != 200) { fprintf(stderr, "%s: curl %d status %ld\n", name, rc, status); exit(1); }
            if (i >= 0) printf(" %llu", t1 - t0);
        }
        printf("\n");
    }

    int main(int argc, char **argv) {
        if (argc != 5) { fprintf(stderr, "usage: socket container-id api-version iterations\n"); return 2; }
        int n = atoi(argv[4]);
        curl_global_init(CURL_GLOBAL_ALL);
        CURL *h = curl_easy_init();
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, argv[1]);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        char url[512];
        measure(h, "ping", "http://localhost/_ping", 50, n);
        snprintf(url, sizeof url, "http://localhost/v%s/containers/%s/json", argv[3], argv[2]);
        measure(h, "inspect", url, 50, n);
        curl_easy_cleanup(h);
        return 0;
    }
    """#

    /// Compiles the program into `dir` and returns the executable's path.
    static func compile(in dir: String) throws -> String {
        let file = dir + "/baseline.c"
        try Data(source.utf8).write(to: URL(fileURLWithPath: file))
        _ = try run("/usr/bin/env", ["cc", "-O2", "-o", dir + "/baseline", file, "-lcurl"], timeout: 120)
        return dir + "/baseline"
    }

    static func measure(executable: String, socket: String, container: String, apiVersion: String, iterations: Int)
        throws -> [String: Samples]
    {
        Samples.parse(try run(executable, [socket, container, apiVersion, "\(iterations)"], timeout: 300))
    }
}
