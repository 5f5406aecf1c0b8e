// Built-in entries for complaint (syntax: ./phrases.ts).
import type { PhraseLexicon } from './phrases.js';

export const COMPLAINT: PhraseLexicon = {
  en: [
    '(complaint|complaints|complain|complaining)',
    '(report|reporting) (you|this|your company) to',
    '(leave|write|post|give) (you )?(a|an)? (negative|bad|1-star|one-star|one star) (review|rating)',
    'trustpilot',
    '(customer service|support|service) is (useless|terrible|awful|a joke|a disgrace|the worst)',
    'not a (great|good) experience',
  ],
  any: ['(slechte ervaring|slechte service|er helemaal klaar mee)', '(fatalna obsługa|jestem (bardzo )?rozczarowan*)', '(pessima esperienza|servizio pessimo|sono (molto )?delus*)'],
  es: [
    '(queja|quejas|quejarme|quejarnos|me quejo)',
    '(reclamacion|reclamaciones|reclamo formal)',
    '(hoja|libro) de reclamaciones',
    '(mala|pesima|negativa) (resena|opinion|calificacion|valoracion)',
  ],
  pt: [
    '(reclamacao|reclamacoes|quero reclamar|vou reclamar|queixa|queixas)',
    '(reclame aqui|reclameaqui)',
    '(avaliacao|nota) (negativa|pessima)',
  ],
  ru: ['жалоб*', '(пожаловаться|пожалуюсь|жалуюсь)', 'претензи*', '(плохой|негативный) отзыв'],
  zh: ['(投诉|投訴|抱怨|差评|差評)'],
  de: ['beschwerde*', '(beschweren|beschwere mich)', '(schlechte|negative) (bewertung|rezension)', '(bin|sind) (wirklich |sehr |total |echt )?enttausch*'],
  fr: ['(plainte|plaintes|reclamation|reclamations)', '(me plaindre|je me plains)', '(mauvais|mauvaise|negatif|negative) (avis|commentaire|note)'],
  id: ['(keluhan|komplain|komplen|mengeluh|pengaduan|aduan)', '(ulasan|review) (buruk|negatif|jelek)'],
};
