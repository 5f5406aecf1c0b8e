import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';

const titles: Record<number, string> = {
  400: 'That did not work',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Changed meanwhile',
  413: 'Too large',
  429: 'Too many attempts',
  500: 'Something went wrong',
};

export function ErrorPage({ status, message, viewer }: { status: number; message: string; viewer?: Viewer }) {
  const title = titles[status] ?? 'Error';
  return (
    <Layout title={title} viewer={viewer}>
      <section class="narrow">
        <h1>{title}</h1>
        <p>{message}</p>
        <p><a href={viewer ? '/app' : '/signin'}>Go to the start page</a></p>
      </section>
    </Layout>
  );
}
