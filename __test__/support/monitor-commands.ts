/**
 * Records what Redis executes, through MONITOR on a connection of its own: each command's
 * arguments and where it came from (a client's address, or `lua` for a command a script ran).
 * MONITOR reports a command after it ran, so wait for the last one expected before reading.
 */
import { Redis } from 'ioredis';

/** One command MONITOR reported. */
export interface MonitoredCommand {
  /** The command and its arguments, as strings; the name as the client sent it. */
  readonly args: string[];
  /** `lua` for a command run inside a script, else the client's `host:port`. */
  readonly source: string;
}

/** Starts recording the commands `keep` accepts (all by default) on the server at `url`, until `stop()`. */
export async function monitorCommands(
  url: string,
  keep: (command: MonitoredCommand) => boolean = () => true,
): Promise<{ commands: MonitoredCommand[]; stop: () => void }> {
  const monitor = await new Redis(url).monitor();
  const commands: MonitoredCommand[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command = { args, source };
    if (keep(command)) commands.push(command);
  });
  return { commands, stop: () => monitor.disconnect() };
}

/** How many times each command (lower-case name) was recorded. */
export function countByName(commands: readonly MonitoredCommand[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { args } of commands) {
    const name = (args[0] ?? '').toLowerCase();
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
