// The Dockerfile and context the cached-rebuild benchmarks build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DOCKERFILE = `FROM busybox
ENV APP_HOME=/app
WORKDIR /app
COPY app/ ./
RUN echo built > /built && ls -l /app > /listing
LABEL bench=build-cache
CMD ["cat", "/built"]
`;

/** Writes the Dockerfile and 50 small files to copy into `dir`; returns `dir`. */
export function makeBuildContext(dir: string): string {
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, 'app', `file-${i}.txt`), `content ${i}\n`.repeat(200));
  return dir;
}
