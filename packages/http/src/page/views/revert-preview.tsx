/** @jsxImportSource hono/jsx */
import type { PlanView } from '@promote/core';
import { Layout, type SignedIn } from '../layout.js';
import { PlanPreview } from './new-promotion.js';

/** The plan of reverting an operation (§16), shown before it runs with that plan's fingerprint. */
export function RevertPreview({ base, user, operationId, plan, body }: { readonly base: string; readonly user: SignedIn; readonly operationId: number; readonly plan: PlanView; readonly body: unknown }) {
  return (
    <Layout title={`Revert operation #${operationId}`} base={base} user={user}>
      <h1>Revert operation #{operationId}?</h1>
      <p>
        <a href={`${base}/operations/${operationId}`}>Back to operation #{operationId}</a>
      </p>
      <PlanPreview base={base} plan={plan} body={body} action={`Revert operation #${operationId}`} />
    </Layout>
  );
}
