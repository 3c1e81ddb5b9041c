import { connect, type Socket } from 'node:net';
import { type Decoded, decodeFrame, encodeFrame, FrameSplitter, MSG, RESULT, writeRegistration } from '@lib/jt808';

/** Codes handed out at registration, by terminal number: a terminal registers once, then authenticates. */
const codes = new Map<string, Buffer>();

/** A 2013 terminal over real TCP (the pattern of jt808.e2e-spec.ts): sends frames, collects answers. */
export class Terminal {
  private readonly splitter = new FrameSplitter();
  readonly received: Decoded[] = [];
  private socket!: Socket;
  private flow = 0;

  constructor(
    readonly phone: string,
    /** The plate of the vehicle the terminal is bound to (registration must name it). */
    readonly plate: string,
  ) {}

  async open(port: number): Promise<this> {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => {
      for (const f of this.splitter.push(chunk)) {
        const d = decodeFrame(f);
        if (d.ok) this.received.push(d.message);
      }
    });
    await new Promise((r) => this.socket.once('connect', r));
    return this;
  }

  frame(messageId: number, body: Buffer, subpackage?: { count: number; index: number }): Buffer {
    return encodeFrame(
      { messageId, edition: 2013, phone: this.phone, flow: ++this.flow, protocolVersion: 1, subpackage },
      body,
    );
  }

  /**
   * Sends a long body as packages of `size` bytes (§4.4.3.2) and answers the result of the
   * platform's answer to the whole message: the second 0x8001 naming the first package's flow
   * (the first acknowledges that package).
   */
  async sendInPackages(messageId: number, body: Buffer, size = 1000): Promise<number> {
    const count = Math.ceil(body.length / size);
    const seen = this.received.length;
    const firstFlow = this.flow + 1;
    for (let i = 0; i < count; i++)
      this.socket.write(this.frame(messageId, body.subarray(i * size, (i + 1) * size), { count, index: i + 1 }));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answers = this.received
        .slice(seen)
        .filter((m) => m.header.messageId === MSG.platformResponse && m.body.readUInt16BE(0) === firstFlow);
      if (answers.length >= 2) return answers[1]!.body[4]!;
      if (Date.now() > deadline) throw new Error('no answer to the whole message');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends a frame and waits for the answer to it (0x8001 naming its flow, or the given answer id). */
  async send(frame: Buffer, answer: number = MSG.platformResponse): Promise<Decoded> {
    const sent = decodeFrame(new FrameSplitter().push(frame)[0]!);
    const flow = sent.ok ? sent.message.header.flow : -1;
    const seen = this.received.length;
    this.socket.write(frame);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const hit = this.received
        .slice(seen)
        .find(
          (m) => m.header.messageId === answer && (answer !== MSG.platformResponse || m.body.readUInt16BE(0) === flow),
        );
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no 0x${answer.toString(16)} answer`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async ask(messageId: number, body: Buffer): Promise<number> {
    return (await this.send(this.frame(messageId, body))).body[4]!;
  }

  /** Registers (the first time: the binding records its maker) and authenticates with the code it was given. */
  async signIn(): Promise<this> {
    let code = codes.get(this.phone);
    if (!code) {
      const reg = await this.send(
        this.frame(
          MSG.register,
          writeRegistration(
            { maker: 'SIMUL', model: 'SIM-808', terminalId: 'A1', plateColour: 2, plate: this.plate },
            2013,
          ),
        ),
        MSG.registerResponse,
      );
      if (reg.body[2] !== 0) throw new Error(`registration answered ${reg.body[2]}`);
      code = reg.body.subarray(3);
      codes.set(this.phone, code);
    }
    const answer = await this.ask(MSG.authenticate, code);
    if (answer !== RESULT.ok) throw new Error(`authentication answered ${answer}`);
    return this;
  }

  close(): void {
    this.socket.destroy();
  }
}
