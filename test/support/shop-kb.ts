// A small shop's knowledge base as a knowledge manager starts it: titles and bodies, no example questions, in
// English, German and Spanish, some translated (translation_group). Written for the tests.
import type { Db } from '../../src/db/client.js';
import { importJsonl } from '../../src/kb/transfer.js';

const article = (id: string, language: string, group: string, title: string, body: string) =>
  JSON.stringify({ id, language, translation_group: group, title, body, tags: [], url: null, examples: [], status: 'published' });

export const SHOP_KB = [
  article('en-delivery', 'en', 'delivery', 'Delivery times and shipping costs',
    '## How long delivery takes\nParcels leave our warehouse within two business days and arrive three to five days later. Every parcel has a tracking number in the shipping email.\n\n## Shipping costs\nShipping costs 4.90 EUR; orders over 60 EUR ship free.'),
  article('de-delivery', 'de', 'delivery', 'Lieferzeiten und Versandkosten',
    '## Wie lange die Lieferung dauert\nPakete verlassen unser Lager innerhalb von zwei Werktagen und kommen drei bis fünf Tage später an. Jedes Paket hat eine Sendungsnummer in der Versandmail.\n\n## Versandkosten\nDer Versand kostet 4,90 EUR; ab 60 EUR liefern wir versandkostenfrei.'),
  article('es-delivery', 'es', 'delivery', 'Plazos de entrega y gastos de envío',
    '## Cuánto tarda la entrega\nLos paquetes salen de nuestro almacén en dos días laborables y llegan de tres a cinco días después. Cada paquete tiene un número de seguimiento en el correo de envío.\n\n## Gastos de envío\nEl envío cuesta 4,90 EUR; los pedidos de más de 60 EUR se envían gratis.'),
  article('en-returns', 'en', 'returns', 'Returning an item and getting a refund',
    '## Return window\nYou can send any item back within 30 days of delivery. Print the return label from your account and drop the parcel at a post office.\n\n## Refunds\nWe refund the purchase price to your original payment method within five business days after the return arrives.'),
  article('de-returns', 'de', 'returns', 'Rücksendung und Erstattung',
    '## Rückgabefrist\nSie können jeden Artikel innerhalb von 30 Tagen nach Lieferung zurückschicken. Drucken Sie das Rücksendeetikett in Ihrem Konto aus.\n\n## Erstattung\nWir erstatten den Kaufpreis innerhalb von fünf Werktagen nach Eingang der Rücksendung.'),
  article('en-password', 'en', 'password', 'Resetting your password',
    '## Forgot your password?\nOn the sign-in page choose "Forgot password" and enter your email address. We send you a link to choose a new password; it works for one hour.\n\n## Still cannot sign in?\nCheck your spam folder for the reset email and make sure you use the address of your account.'),
  article('en-gift-wrap', 'en', 'gift-wrap', 'Gift wrapping and gift messages',
    '## Gift wrapping\nAt checkout tick "wrap as a gift": we wrap each item in recycled paper for 3 EUR.\n\n## Gift message\nAdd a personal message of up to 200 characters; we print it on a card and leave the price off the delivery note.'),
].join('\n');

export async function loadShopKb(db: Db): Promise<void> {
  const result = await importJsonl(db, SHOP_KB, { by: 'test' });
  if (result.failed.length) throw new Error(`shop kb: ${JSON.stringify(result.failed)}`);
}
