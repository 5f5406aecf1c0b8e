# firstreply in a container. Untested here (no Docker engine on the build machines); see docs/deployment.md.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Runtime dependencies only: tsx (which runs the TypeScript sources, no build step) is a regular dependency.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What the service reads at run time: the sources (tsx needs tsconfig.json for JSX), migrations, mail templates,
# model prompts.
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY templates ./templates
COPY prompts ./prompts

# The image's unprivileged "node" user (uid 1000) owns the data volume.
RUN mkdir -p /data && chown node:node /data
USER node

# Inside a container the listeners must bind all interfaces; publish the ports only where needed.
# On a non-loopback address the SMTP listener accepts mail only for configured mailbox addresses.
ENV DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    INBOUND_SMTP_HOST=0.0.0.0 \
    INBOUND_SMTP_PORT=2525
VOLUME ["/data"]
EXPOSE 3000 2525

HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form: node is PID 1 and gets SIGTERM directly, so the service stops cleanly (and closes the embedded database).
CMD ["node", "bin/firstreply.js", "start"]
