import Router from '@koa/router';
import type { Middleware } from 'koa';
import * as Index from './controllers/IndexController.ts';
import * as Account from './controllers/AccountController.ts';
import * as Dev from './controllers/DevController.ts';
import * as Legal from './controllers/LegalController.ts';
import * as Complaint from './controllers/ComplaintController.ts';
import * as Contact from './controllers/ContactController.ts';
import * as Document from './controllers/DocumentController.ts';
import * as Feedback from './controllers/FeedbackController.ts';
import * as Info from './controllers/InfoController.ts';
import * as Loan from './controllers/LoanController.ts';
import * as Pay from './controllers/PayController.ts';
import * as Payout from './controllers/PayoutController.ts';
import * as Repay from './controllers/RepayController.ts';
import * as Support from './controllers/support/SupportController.ts';
import * as Identity from './controllers/IdentityController.ts';
import * as Bank from './controllers/BankController.ts';
import * as Dict from './controllers/DictController.ts';
import * as IdentityReview from './controllers/support/IdentityReviewController.ts';
import * as PayoutConsole from './controllers/support/PayoutsController.ts';
import * as Products from './controllers/support/ProductsController.ts';
import { confirmModel, homePage } from '../presenters/home.ts';
import { notFound } from '../errors.ts';
import { flashTo, form, infoEnvelope } from './error-views.ts';
import { parseContactsBody } from './middleware/body.ts';
import { requireCsrf } from './middleware/csrf.ts';
import { isRowId } from './validate.ts';
import { requireBorrower } from './middleware/session.ts';
import { staffMay } from './middleware/staff.ts';

/** Runs an upload parser when the request is multipart (the app may send plain fields instead). */
function multipartIfSent(parser: Middleware): Middleware {
  return (ctx, next) => (ctx.is('multipart/form-data') ? parser(ctx, next) : next());
}

/**
 * Every route of the portal. Paths are case-insensitive; `.shtml`/`.html` is stripped before routing.
 * A route that should not answer a refusal with the plain error page declares its error view
 * right before its action (`form(...)`, `flashTo(...)`, `infoEnvelope`: error-views.ts).
 */
export function createRouter(): Router {
  const router = new Router({ sensitive: false, strict: false });
  // Every `:id` (the console's rows) is a row id the database's keys can hold, or nothing is found.
  router.param('id', (id, _ctx, next) => {
    if (!isRowId(id)) throw notFound();
    return next();
  });

  router.get('/', Index.loginPage);
  router.get('/Index/login', Index.loginPage);
  router.post('/Index/ajaxSignIn', form('index/login.njk', { page: '/Index/login', values: ['username'] }), Index.signIn);
  router.get('/Index/ajaxLogOut', requireCsrf, Index.logOut);
  router.post('/Index/ajaxLogOut', Index.logOut);
  router.get('/Index/languages', Index.languages);
  router.post('/Index/languages', Index.languages);
  const confirmForm = form('loan/confirm.njk', { page: '/Loan/confirm', model: confirmModel });
  router.get('/Index/ajaxApply', requireBorrower, requireCsrf, confirmForm, Index.apply);
  router.post('/Index/ajaxApply', requireBorrower, confirmForm, Index.apply);

  // Sign-up, recovery and the account (one-time codes by SMS).
  router.get('/Index/register', Account.registerPage);
  router.get('/Index/forgot', Account.forgotPage);
  router.post('/Index/sendCode', form('index/account.njk', { page: Account.purposePage, values: ['phone'], model: Account.purposeModel }), Account.sendCode);
  router.post('/Index/verifyCode', form('index/account.njk', { page: Account.purposePage, model: Account.purposeModel }), Account.verifyCode);
  router.post('/Index/ajaxRegister', form('index/account.njk', { page: '/Index/register', model: Account.registerModel }), Account.register);
  router.post('/Index/ajaxResetPwd', form('index/account.njk', { page: '/Index/forgot', model: Account.resetModel }), Account.resetPassword);
  router.get('/Index/profile', requireBorrower, Account.profile);
  router.get('/Index/password', requireBorrower, Account.passwordPage);
  router.post('/Index/ajaxChangePwd', requireBorrower, form('index/password.njk', { page: '/Index/password' }), Account.changePassword);
  router.get('/Index/terms', Legal.terms);
  router.get('/Index/privacy', Legal.privacy);
  router.get('/Index/documents', Legal.documents);
  router.get('/dev/outbox', Dev.outbox);

  const applyForm = form('repay/index.njk', { page: '/Repay/index.shtml', values: ['money', 'time', 'product_id'], model: homePage });
  router.get('/Loan/reLoan', requireBorrower, requireCsrf, applyForm, Loan.reLoan);
  router.post('/Loan/reLoan', requireBorrower, applyForm, Loan.reLoan);
  router.get('/Loan/confirm', requireBorrower, Loan.confirmPage);
  router.get('/Loan/quote', requireBorrower, Loan.quote);
  router.get('/Loan/keyFacts', requireBorrower, Loan.keyFacts);
  // Several loan products (issue 20): the ones offered to the borrower, and one in detail.
  router.get('/Loan/products', requireBorrower, Loan.products);
  router.get('/Loan/product', requireBorrower, Loan.product);
  router.get('/Loan/payout', requireBorrower, Payout.show);
  router.post('/Loan/payoutRetry', requireBorrower, flashTo('/Loan/payout'), Payout.retry);

  router.get('/Repay/index', Repay.loans);
  router.get('/Repay/loans', Repay.loans);
  router.get('/Repay/orders', requireBorrower, Repay.orders);
  router.post('/Repay/orders', requireBorrower, Repay.orders);
  router.get('/Repay/loanDetail', requireBorrower, Repay.loanDetail);
  router.post('/Repay/loanDetail', requireBorrower, Repay.loanDetail);
  router.get('/Repay/loanDelay', requireBorrower, Repay.loanDelay);
  router.post('/Repay/loanDelay', requireBorrower, Repay.loanDelay);
  router.post('/Repay/ajaxDelay', requireBorrower, Repay.ajaxDelay);
  router.post('/Repay/payData', requireBorrower, Repay.payData);
  router.post('/Repay/payTransf', requireBorrower, Repay.payTransf);
  router.get('/Repay/exit', requireBorrower, Repay.exitOffer);
  router.post('/Repay/exit', requireBorrower, Repay.exit);
  router.get('/Repay/receipt', requireBorrower, Document.receiptPage);
  router.get('/Repay/receipt/pdf', requireBorrower, Document.receiptPdf);
  router.get('/Repay/certificate', requireBorrower, Document.certificatePage);
  router.get('/Repay/certificate/pdf', requireBorrower, Document.certificatePdf);
  router.get('/Repay/disbursement', requireBorrower, Document.disbursementPage);
  router.get('/Repay/disbursement/pdf', requireBorrower, Document.disbursementPdf);

  router.get('/Complaint/index', Complaint.index);
  router.post('/Complaint/create', requireBorrower, form('complaints/index.njk', { page: '/Complaint/index', values: ['topic', 'body'], model: Complaint.listModel }), Complaint.create);
  router.get('/Complaint/view', requireBorrower, Complaint.view);
  router.post('/Complaint/reply', requireBorrower, Complaint.reply);

  router.post('/Info/ajaxUpload', requireBorrower, infoEnvelope, Info.uploadParser(1, Info.borrowerUploadLimit), Info.ajaxUpload);
  router.post('/Repay/repayProof', requireBorrower, infoEnvelope, multipartIfSent(Info.uploadParser(2, Info.borrowerUploadLimit)), flashTo('/Repay/loanDetail?oid=:oid', '/Repay/index.shtml'), Repay.repayProof);
  router.get('/Public/Upload/:day/:file', Info.serveUpload);

  router.get('/Index/contact', Index.contact);
  router.post('/Index/contact', Index.contact);
  router.get('/Feedback/index', Feedback.index);
  router.post('/Feedback/ajaxCreate', multipartIfSent(Info.uploadParser(3, Feedback.feedbackLimit)), form('feedback/index.njk', { page: '/Feedback/index', values: ['comments', 'contact'] }), Feedback.ajaxCreate);
  router.get('/Contact/index', requireBorrower, Contact.index);
  router.post('/Contact/ajaxPush', requireBorrower, parseContactsBody, requireCsrf, Contact.ajaxPush);
  router.post('/Contact/consent', requireBorrower, Contact.consent);
  router.post('/Contact/withdraw', requireBorrower, Contact.withdraw);

  // Identity and bank accounts (issue 18): the steps, what is stored, the dictionaries.
  router.get('/Identity/index', requireBorrower, Identity.index);
  router.get('/Identity/personal', requireBorrower, Identity.personalPage);
  router.post('/Identity/personal', requireBorrower, form('identity/personal.njk', { page: '/Identity/personal', values: 'all', model: Identity.personalModel }), Identity.personal);
  router.get('/Identity/address', requireBorrower, Identity.addressPage);
  router.post('/Identity/address', requireBorrower, form('identity/address.njk', { page: '/Identity/address', values: 'all', model: Identity.addressModel }), Identity.address);
  router.get('/Identity/work', requireBorrower, Identity.workPage);
  router.post('/Identity/work', requireBorrower, form('identity/work.njk', { page: '/Identity/work', values: 'all', model: Identity.workModel }), Identity.work);
  router.get('/Identity/documents', requireBorrower, Identity.documentsPage);
  router.post('/Identity/documents', requireBorrower, multipartIfSent(Info.uploadParser(3, Identity.documentsLimit)), form('identity/documents.njk', { page: '/Identity/documents', model: Identity.documentsModel }), Identity.documents);
  router.get('/Identity/stored', requireBorrower, Identity.stored);
  router.get('/Bank/index', requireBorrower, Bank.index);
  router.get('/Bank/info', requireBorrower, Bank.index);
  router.post('/Bank/add', requireBorrower, form('bank/index.njk', { page: '/Bank/index', values: Bank.sentAccount, model: Bank.listModel }), Bank.add);
  router.post('/Bank/default', requireBorrower, flashTo(Bank.backPage), Bank.makeDefault);
  router.get('/Dict/list', Dict.list);

  // Payment URLs work without a session (the token names one intent); notifications are signed.
  router.post('/Pay/notify', Pay.notify);
  router.post('/Payout/notify', Payout.notify);
  router.get('/Pay/sandbox/:reference', Pay.sandboxCheckout);
  router.post('/Pay/sandbox/:reference', Pay.sandboxPay);
  router.get('/Pay/:token/barcode.png', Pay.barcode);
  router.get('/Pay/:token', Pay.show);
  router.post('/Pay/:token', Pay.show);

  // The support console: HTML only, staff sessions only; each route names the grant it needs (src/policies.ts).
  router.get('/support/login', Support.loginPage);
  router.post('/support/login', form('support/login.njk', { page: '/support/login', values: ['email'] }), Support.login);
  router.post('/support/logout', staffMay('read', 'console'), Support.logout);
  router.get('/support', staffMay('read', 'proof'), Support.queue);
  router.get('/support/proofs/:id', staffMay('read', 'proof'), Support.proof);
  router.post('/support/proofs/:id', staffMay('review', 'proof'), flashTo('/support/proofs/:id'), Support.decideProof);
  router.get('/support/loans', staffMay('read', 'loan'), Support.loans);
  router.post('/support/loans/:id', staffMay('review', 'loan'), flashTo('/support/loans'), Support.decideLoan);
  router.get('/support/borrowers', staffMay('read', 'borrower'), Support.borrower);
  router.get('/support/audit', staffMay('read', 'audit'), Support.auditLog);
  const payoutRange = form('support/payouts.njk', { page: '/support/payouts', values: ['from', 'to', 'status'], model: PayoutConsole.rangeFormModel });
  router.get('/support/payouts', staffMay('read', 'payout'), payoutRange, PayoutConsole.reconciliation);
  router.get('/support/payouts/csv', staffMay('read', 'payout'), payoutRange, PayoutConsole.exportCsv);
  // Loan products (issue 20): admins only; every change is a new version, audited.
  const productForm = form('support/product.njk', { page: Products.editPage, values: 'all', model: Products.editFormModel });
  router.get('/support/products', staffMay('read', 'product'), Products.list);
  router.get('/support/products/new', staffMay('manage', 'product'), Products.newPage);
  router.post('/support/products', staffMay('manage', 'product'), form('support/product.njk', { page: '/support/products/new', values: 'all', model: Products.newFormModel }), Products.create);
  router.get('/support/products/:id', staffMay('read', 'product'), Products.show);
  router.post('/support/products/:id', staffMay('manage', 'product'), productForm, Products.edit);
  router.post('/support/products/:id/open', staffMay('manage', 'product'), productForm, Products.setOpen);
  router.get('/support/feedback', staffMay('read', 'feedback'), Support.feedback);
  router.post('/support/feedback/:id', staffMay('answer', 'feedback'), flashTo('/support/feedback'), Support.answer);
  router.get('/support/complaints', staffMay('read', 'complaint'), Support.complaints);
  router.get('/support/complaints/:id', staffMay('read', 'complaint'), Support.complaint);
  router.post('/support/complaints/:id', staffMay('answer', 'complaint'), flashTo('/support/complaints/:id'), Support.replyComplaint);
  router.get('/support/identities', staffMay('read', 'identity'), IdentityReview.queue);
  router.get('/support/identities/:id', staffMay('read', 'identity'), IdentityReview.show);
  router.post('/support/identities/:id', staffMay('review', 'identity'), flashTo('/support/identities/:id'), IdentityReview.decide);
  const receipts = staffMay('read', 'receipt');
  router.get('/support/receipt', receipts, Document.receiptPage);
  router.get('/support/receipt/pdf', receipts, Document.receiptPdf);
  router.get('/support/certificate', receipts, Document.certificatePage);
  router.get('/support/certificate/pdf', receipts, Document.certificatePdf);
  router.get('/support/disbursement', receipts, Document.disbursementPage);
  router.get('/support/disbursement/pdf', receipts, Document.disbursementPdf);

  return router;
}
