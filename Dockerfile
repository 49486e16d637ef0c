# syntax=docker/dockerfile:1
# The ams-lifecycle worker image. The same image runs the AMS emulator for
# staging (docker-compose.yml, profile "staging") with another command.
#
#   build:   all dependencies, TypeScript compiled to dist/, workflow code
#            pre-bundled to dist/workflow-bundle.js, then pruned to production deps
#   runtime: plain `node dist/worker/main.js` as the unprivileged "node" user

# Node 24, the current LTS: npm test runs the whole suite on this version
# (scripts/setup-node.sh pins the same one; test/compose.test.ts checks they match).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts stay off, as package.json's allowScripts has them (the npm in
# the image may not know allowScripts); nothing here needs one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY ams ams
COPY activities activities
COPY client client
COPY emulator emulator
COPY worker worker
COPY workflows workflows
COPY scripts/bundle-workflows.ts scripts/
RUN npm run build \
 && test -s dist/workflow-bundle.js \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
# Code stays owned by root: the process can read it, not change it.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The emulator's SQLite state (staging only); a named volume mounted here keeps this owner.
RUN mkdir -p /var/lib/ams-emulator && chown node:node /var/lib/ams-emulator
USER node
CMD ["node", "dist/worker/main.js"]
