// Shared test data: one small help article per supported language with three sections (password, delivery,
// refunds) and a customer question about refunds, so tests can check that the refund passage is the one quoted.
import type { SupportedLanguage } from '../domain/language.js';
import type { DraftArticle, DraftInput } from './draft.js';

export interface LanguageCase {
  lang: SupportedLanguage;
  subject: string;
  question: string;
  body: string;
  /** text of the refund passage */
  refund: RegExp;
  /** text of the password passage, which must not be quoted */
  password: RegExp;
  hello: RegExp;
}

export const LANGUAGE_CASES: LanguageCase[] = [
  {
    lang: 'en',
    subject: 'Refund',
    question: 'I would like a refund for my purchase. When do I get my money back?',
    body: `## Resetting your password\n\nClick "Forgot password" on the sign-in page and follow the link we email you.\n\n## Delivery times\n\nOrders ship within two business days. Delivery takes three to five days.\n\n## Refunds\n\nYou can request a refund within 30 days of purchase. The money is returned to your original payment method within 5 business days.\n`,
    refund: /request a refund within 30 days/,
    password: /Forgot password/,
    hello: /^Hello/,
  },
  {
    lang: 'es',
    subject: 'Reembolso',
    question: 'Quiero un reembolso de mi compra. ¿Cuándo me devuelven el dinero?',
    body: `## Restablecer la contraseña\n\nHaga clic en «¿Olvidó su contraseña?» en la página de inicio de sesión y siga el enlace que le enviamos.\n\n## Plazos de entrega\n\nLos pedidos se envían en dos días hábiles. La entrega tarda de tres a cinco días.\n\n## Reembolsos\n\nPuede solicitar un reembolso en los 30 días siguientes a la compra. El dinero se devuelve a su método de pago original en 5 días hábiles.\n`,
    refund: /solicitar un reembolso/,
    password: /contraseña\?/,
    hello: /^Hola/,
  },
  {
    lang: 'ru',
    subject: 'Возврат денег',
    question: 'Хочу вернуть деньги за покупку. Когда вернутся деньги?',
    body: `## Сброс пароля\n\nНажмите «Забыли пароль?» на странице входа и перейдите по ссылке из письма.\n\n## Сроки доставки\n\nЗаказы отправляются в течение двух рабочих дней. Доставка занимает от трёх до пяти дней.\n\n## Возврат денег\n\nВы можете запросить возврат денег в течение 30 дней после покупки. Деньги возвращаются на исходный способ оплаты в течение 5 рабочих дней.\n`,
    refund: /запросить возврат денег/,
    password: /Забыли пароль/,
    hello: /^Здравствуйте/,
  },
  {
    lang: 'zh',
    subject: '退款',
    question: '我想申请退款，钱什么时候能退回来？',
    body: `## 重置密码\n\n在登录页面点击“忘记密码”，然后按照邮件中的链接操作。\n\n## 配送时间\n\n订单在两个工作日内发货。配送需要三到五天。\n\n## 退款\n\n您可以在购买后30天内申请退款。款项将在5个工作日内退回您的原付款方式。\n`,
    refund: /申请退款/,
    password: /忘记密码/,
    hello: /您好/,
  },
  {
    lang: 'id',
    subject: 'Pengembalian dana',
    question: 'Saya ingin pengembalian dana untuk pembelian saya. Berapa lama dana dikembalikan?',
    body: `## Mengatur ulang kata sandi\n\nKlik "Lupa kata sandi" di halaman masuk dan ikuti tautan yang kami kirim melalui email.\n\n## Waktu pengiriman\n\nPesanan dikirim dalam dua hari kerja. Pengiriman memakan waktu tiga sampai lima hari.\n\n## Pengembalian dana\n\nAnda dapat meminta pengembalian dana dalam 30 hari setelah pembelian. Dana dikembalikan ke metode pembayaran awal Anda dalam 5 hari kerja.\n`,
    refund: /meminta pengembalian dana/,
    password: /Lupa kata sandi/,
    hello: /^Halo/,
  },
  {
    lang: 'de',
    subject: 'Rückerstattung',
    question: 'Ich möchte eine Rückerstattung für meinen Kauf. Wann bekomme ich mein Geld zurück?',
    body: `## Passwort zurücksetzen\n\nKlicken Sie auf der Anmeldeseite auf „Passwort vergessen“ und folgen Sie dem Link in unserer E-Mail.\n\n## Lieferzeiten\n\nBestellungen werden innerhalb von zwei Werktagen versandt. Die Lieferung dauert drei bis fünf Tage.\n\n## Rückerstattung\n\nSie können innerhalb von 30 Tagen nach dem Kauf eine Rückerstattung beantragen. Das Geld wird innerhalb von 5 Werktagen auf Ihre ursprüngliche Zahlungsmethode zurückerstattet.\n`,
    refund: /Rückerstattung beantragen/,
    password: /Passwort vergessen/,
    hello: /^(Hallo|Guten Tag)/,
  },
  {
    lang: 'fr',
    subject: 'Remboursement',
    question: 'Je voudrais un remboursement pour mon achat. Quand vais-je récupérer mon argent ?',
    body: `## Réinitialiser le mot de passe\n\nCliquez sur « Mot de passe oublié » sur la page de connexion et suivez le lien que nous vous envoyons.\n\n## Délais de livraison\n\nLes commandes sont expédiées sous deux jours ouvrés. La livraison prend de trois à cinq jours.\n\n## Remboursements\n\nVous pouvez demander un remboursement dans les 30 jours suivant l'achat. L'argent est reversé sur votre moyen de paiement d'origine sous 5 jours ouvrés.\n`,
    refund: /demander un remboursement/,
    password: /Mot de passe oublié/,
    hello: /^Bonjour/,
  },
  {
    lang: 'pt',
    subject: 'Reembolso',
    question: 'Quero um reembolso da minha compra. Quando recebo o dinheiro de volta?',
    body: `## Redefinir a senha\n\nClique em "Esqueci a senha" na página de login e siga o link que enviamos por e-mail.\n\n## Prazos de entrega\n\nOs pedidos são enviados em dois dias úteis. A entrega leva de três a cinco dias.\n\n## Reembolsos\n\nVocê pode solicitar um reembolso em até 30 dias após a compra. O dinheiro é devolvido ao seu método de pagamento original em até 5 dias úteis.\n`,
    refund: /solicitar um reembolso/,
    password: /Esqueci a senha/,
    hello: /^Olá/,
  },
];

export function articleFor(c: LanguageCase, overrides: Partial<DraftArticle> = {}): DraftArticle {
  return {
    id: `kb-help-${c.lang}`,
    version: 4,
    title: c.subject,
    body: c.body,
    url: `https://kb.example.com/${c.lang}/help`,
    language: c.lang,
    ...overrides,
  };
}

export function inputFor(c: LanguageCase, overrides: Partial<DraftInput> = {}): DraftInput {
  return {
    customerName: 'Ana',
    customerText: `${c.subject}\n\n${c.question}`,
    subject: c.subject,
    language: c.lang,
    articles: [articleFor(c)],
    confidence: 0.82,
    caseReference: 'FR-7K3Q9X',
    ...overrides,
  };
}
