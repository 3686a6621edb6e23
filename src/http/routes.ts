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
import { parseContactsBody } from './middleware/body.ts';
import { requireCsrf } from './middleware/csrf.ts';
import { requireBorrower } from './middleware/session.ts';
import { requireStaff } from './middleware/staff.ts';

/** Runs an upload parser when the request is multipart (the app may send plain fields instead). */
function multipartIfSent(parser: Middleware): Middleware {
  return (ctx, next) => (ctx.is('multipart/form-data') ? parser(ctx, next) : next());
}

/** Every route of the portal. Paths are case-insensitive; `.shtml`/`.html` is stripped before routing. */
export function createRouter(): Router {
  const router = new Router({ sensitive: false, strict: false });

  router.get('/', Index.loginPage);
  router.get('/Index/login', Index.loginPage);
  router.post('/Index/ajaxSignIn', Index.signIn);
  router.get('/Index/ajaxLogOut', requireCsrf, Index.logOut);
  router.post('/Index/ajaxLogOut', Index.logOut);
  router.get('/Index/languages', Index.languages);
  router.post('/Index/languages', Index.languages);
  router.get('/Index/ajaxApply', requireBorrower, requireCsrf, Index.apply);
  router.post('/Index/ajaxApply', requireBorrower, Index.apply);

  // Sign-up, recovery and the account (one-time codes by SMS).
  router.get('/Index/register', Account.registerPage);
  router.get('/Index/forgot', Account.forgotPage);
  router.post('/Index/sendCode', Account.sendCode);
  router.post('/Index/verifyCode', Account.verifyCode);
  router.post('/Index/ajaxRegister', Account.register);
  router.post('/Index/ajaxResetPwd', Account.resetPassword);
  router.get('/Index/profile', requireBorrower, Account.profile);
  router.get('/Index/password', requireBorrower, Account.passwordPage);
  router.post('/Index/ajaxChangePwd', requireBorrower, Account.changePassword);
  router.get('/Index/terms', Legal.terms);
  router.get('/Index/privacy', Legal.privacy);
  router.get('/Index/documents', Legal.documents);
  router.get('/dev/outbox', Dev.outbox);

  router.get('/Loan/reLoan', requireBorrower, requireCsrf, Loan.reLoan);
  router.post('/Loan/reLoan', requireBorrower, Loan.reLoan);
  router.get('/Loan/confirm', requireBorrower, Loan.confirmPage);
  router.get('/Loan/quote', requireBorrower, Loan.quote);
  router.get('/Loan/keyFacts', requireBorrower, Loan.keyFacts);
  router.get('/Loan/payout', requireBorrower, Payout.show);
  router.post('/Loan/payoutRetry', requireBorrower, Payout.retry);

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
  router.post('/Complaint/create', requireBorrower, Complaint.create);
  router.get('/Complaint/view', requireBorrower, Complaint.view);
  router.post('/Complaint/reply', requireBorrower, Complaint.reply);

  router.post('/Info/ajaxUpload', requireBorrower, Info.infoEnvelope, Info.uploadParser(1, Info.borrowerUploadLimit), Info.ajaxUpload);
  router.post('/Repay/repayProof', requireBorrower, Info.infoEnvelope, multipartIfSent(Info.uploadParser(2, Info.borrowerUploadLimit)), Repay.repayProof);
  router.get('/Public/Upload/:day/:file', Info.serveUpload);

  router.get('/Index/contact', Index.contact);
  router.post('/Index/contact', Index.contact);
  router.get('/Feedback/index', Feedback.index);
  router.post('/Feedback/ajaxCreate', multipartIfSent(Info.uploadParser(3, Feedback.feedbackLimit)), Feedback.ajaxCreate);
  router.get('/Contact/index', requireBorrower, Contact.index);
  router.post('/Contact/ajaxPush', requireBorrower, parseContactsBody, requireCsrf, Contact.ajaxPush);
  router.post('/Contact/consent', requireBorrower, Contact.consent);
  router.post('/Contact/withdraw', requireBorrower, Contact.withdraw);

  // Identity and bank accounts (issue 18): the steps, what is stored, the dictionaries.
  router.get('/Identity/index', requireBorrower, Identity.index);
  router.get('/Identity/personal', requireBorrower, Identity.personalPage);
  router.post('/Identity/personal', requireBorrower, Identity.personal);
  router.get('/Identity/address', requireBorrower, Identity.addressPage);
  router.post('/Identity/address', requireBorrower, Identity.address);
  router.get('/Identity/work', requireBorrower, Identity.workPage);
  router.post('/Identity/work', requireBorrower, Identity.work);
  router.get('/Identity/documents', requireBorrower, Identity.documentsPage);
  router.post('/Identity/documents', requireBorrower, multipartIfSent(Info.uploadParser(3, Identity.documentsLimit)), Identity.documents);
  router.get('/Identity/stored', requireBorrower, Identity.stored);
  router.get('/Bank/index', requireBorrower, Bank.index);
  router.get('/Bank/info', requireBorrower, Bank.index);
  router.post('/Bank/add', requireBorrower, Bank.add);
  router.post('/Bank/default', requireBorrower, Bank.makeDefault);
  router.get('/Dict/list', Dict.list);

  // Payment URLs work without a session (the token names one intent); notifications are signed.
  router.post('/Pay/notify', Pay.notify);
  router.post('/Payout/notify', Payout.notify);
  router.get('/Pay/sandbox/:reference', Pay.sandboxCheckout);
  router.post('/Pay/sandbox/:reference', Pay.sandboxPay);
  router.get('/Pay/:token/barcode.png', Pay.barcode);
  router.get('/Pay/:token', Pay.show);
  router.post('/Pay/:token', Pay.show);

  // The support console: HTML only, staff sessions only.
  const staff = requireStaff();
  const admin = requireStaff('admin');
  router.get('/support/login', Support.loginPage);
  router.post('/support/login', Support.login);
  router.post('/support/logout', staff, Support.logout);
  router.get('/support', staff, Support.queue);
  router.get('/support/proofs/:id', staff, Support.proof);
  router.post('/support/proofs/:id', staff, Support.decideProof);
  router.get('/support/loans', admin, Support.loans);
  router.post('/support/loans/:id', admin, Support.decideLoan);
  router.get('/support/borrowers', admin, Support.borrower);
  router.get('/support/audit', admin, Support.auditLog);
  router.get('/support/payouts', admin, PayoutConsole.reconciliation);
  router.get('/support/payouts/csv', admin, PayoutConsole.exportCsv);
  router.get('/support/feedback', staff, Support.feedback);
  router.post('/support/feedback/:id', staff, Support.answer);
  router.get('/support/complaints', staff, Support.complaints);
  router.get('/support/complaints/:id', staff, Support.complaint);
  router.post('/support/complaints/:id', staff, Support.replyComplaint);
  router.get('/support/identities', staff, IdentityReview.queue);
  router.get('/support/identities/:id', staff, IdentityReview.show);
  router.post('/support/identities/:id', staff, IdentityReview.decide);
  router.get('/support/receipt', staff, Document.receiptPage);
  router.get('/support/receipt/pdf', staff, Document.receiptPdf);
  router.get('/support/certificate', staff, Document.certificatePage);
  router.get('/support/certificate/pdf', staff, Document.certificatePdf);
  router.get('/support/disbursement', staff, Document.disbursementPage);
  router.get('/support/disbursement/pdf', staff, Document.disbursementPdf);

  return router;
}
