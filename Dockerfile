# syntax=docker/dockerfile:1
# One image for every genbot app; docker-compose.yml picks the app by command:
#   node dist/apps/main.js                 all four apps in one process (default)
#   node dist/apps/<app>/src/main.js       public-api | admin-api | bot | worker
#   node dist/apps/migrate.js              run pending migrations and exit

# --- deps: every dependency, for the build --------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# package-lock.json* : the lock file is used when present (npm ci is not used: see .ci/run)
COPY package.json package-lock.json* ./
RUN npm install --no-audit --no-fund

# --- build: compile TypeScript into dist/ ---------------------------------------------------
FROM deps AS build
COPY . .
RUN npm run build

# --- runtime: production dependencies and dist/ only -----------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json* ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# .data/ is where the embedded defaults (local storage, embedded PostgreSQL) write when no
# S3_* / DATABASE_URL is given; it must be writable by the unprivileged user.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000 3001 3002
CMD ["node", "dist/apps/main.js"]
