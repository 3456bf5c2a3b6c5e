/** Whether the gateway should receive traffic: false before start and once draining for shutdown. */
export class GatewayLifecycle {
  private ready = false;
  private draining = false;

  markReady(): void {
    this.ready = true;
  }

  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get acceptsTraffic(): boolean {
    return this.ready && !this.draining;
  }
}
