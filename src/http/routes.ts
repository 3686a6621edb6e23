import Router from '@koa/router';
import * as Index from './controllers/IndexController.ts';
import * as Loan from './controllers/LoanController.ts';
import * as Pay from './controllers/PayController.ts';
import * as Repay from './controllers/RepayController.ts';
import { requireCsrf } from './middleware/csrf.ts';
import { requireBorrower } from './middleware/session.ts';

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

  router.get('/Loan/reLoan', requireBorrower, requireCsrf, Loan.reLoan);
  router.post('/Loan/reLoan', requireBorrower, Loan.reLoan);
  router.get('/Loan/confirm', requireBorrower, Loan.confirmPage);
  router.get('/Loan/quote', requireBorrower, Loan.quote);

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

  // Payment URLs work without a session (the token names one intent); notifications are signed.
  router.post('/Pay/notify', Pay.notify);
  router.get('/Pay/sandbox/:reference', Pay.sandboxCheckout);
  router.post('/Pay/sandbox/:reference', Pay.sandboxPay);
  router.get('/Pay/:token/barcode.png', Pay.barcode);
  router.get('/Pay/:token', Pay.show);
  router.post('/Pay/:token', Pay.show);

  return router;
}
