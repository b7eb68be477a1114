// Which logs each page (a browser tab on the web bridge, an Electron window) follows, so
// that a page that goes away stops following them: a closed tab must not leave followers.

/** Keep the set of follow ids of one page in step with its followLog / unfollowLog calls. */
export function trackFollows(follows: Set<number>, method: unknown, args: unknown, result: unknown): void {
  if (method === 'followLog') follows.add((result as { id: number }).id)
  else if (method === 'unfollowLog' && Array.isArray(args)) follows.delete(args[0] as number)
}
