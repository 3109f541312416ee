/**
 * SNS topics per account and region, and every message published to them: headroom's alerts
 * land here, and tests read them back through the admin endpoint.
 */
import type { Account } from '../../world/accounts.js';

export interface Topic {
  readonly arn: string;
  readonly name: string;
  readonly account: Account;
  readonly region: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
}

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject: string | undefined;
  readonly message: string;
  readonly attributes: Record<string, { DataType: string; StringValue?: string }>;
  readonly publishedAt: number;
}

export class SnsState {
  readonly topics = new Map<string, Topic>();
  readonly messages: PublishedMessage[] = [];

  reset(): void {
    this.topics.clear();
    this.messages.length = 0;
  }
}
