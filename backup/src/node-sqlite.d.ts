/**
 * The part of `node:sqlite` (Node >= 22.5; behind --experimental-sqlite until 22.13) the runner uses. @types/node 20,
 * which type-checks this repository, does not declare the module; the runner itself runs on the pinned Node 22 image.
 */
declare module "node:sqlite" {
  export class StatementSync {
    get(...params: unknown[]): Record<string, unknown> | undefined;
    all(...params: unknown[]): Record<string, unknown>[];
    run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  }
  export class DatabaseSync {
    constructor(path: string, options?: { open?: boolean });
    exec(sql: string): void;
    prepare(sql: string): StatementSync;
    close(): void;
  }
}
