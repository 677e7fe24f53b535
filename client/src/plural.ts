/** "1 restart", "3 restarts": counts in the user interface. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
