// Types for the parts of memjs 1.3 the client tests use; the package ships none.
declare module 'memjs' {
  interface GetResult {
    value: Buffer | null;
    flags: Buffer | null;
  }

  interface ClientOptions {
    retries?: number;
    /** Seconds. */
    timeout?: number;
    logger?: { log: (...args: unknown[]) => void };
  }

  class Client {
    static create(servers: string, options?: ClientOptions): Client;
    get(key: string): Promise<GetResult>;
    set(key: string, value: string | Buffer, options: { expires?: number }): Promise<boolean>;
    add(key: string, value: string | Buffer, options: { expires?: number }): Promise<boolean>;
    replace(key: string, value: string | Buffer, options: { expires?: number }): Promise<boolean>;
    delete(key: string): Promise<boolean>;
    increment(key: string, amount: number, options: { initial?: number; expires?: number }): Promise<{ success: boolean; value?: number | null }>;
    decrement(key: string, amount: number, options: { initial?: number; expires?: number }): Promise<{ success: boolean; value?: number | null }>;
    append(key: string, value: string | Buffer): Promise<boolean>;
    prepend(key: string, value: string | Buffer): Promise<boolean>;
    touch(key: string, expires: number): Promise<boolean>;
    flush(): Promise<Record<string, boolean | Error>>;
    stats(callback: (error: Error | null, server: string, stats: Record<string, string> | null) => void): void;
    resetStats(callback: (error: Error | null, server: string) => void): void;
    quit(): void;
    close(): void;
  }

  const memjs: { Client: typeof Client };
  export default memjs;
  export type { Client };
}
